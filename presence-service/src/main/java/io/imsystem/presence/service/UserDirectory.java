package io.imsystem.presence.service;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.presence.client.AuthClient;
import io.imsystem.presence.client.MessageClient;
import io.imsystem.presence.client.UserSummary;
import io.imsystem.presence.config.PresenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * What presence needs from the other services, cached: usernames from auth-service and a user's
 * peers from message-service. When they fail, presence answers without them rather than not at all.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);

    /** Users found by a lookup; {@code complete} false when auth-service could not be asked. */
    public record Lookup(Map<Long, UserSummary> users, boolean complete) {
    }

    private final InternalCredential credential;
    private final AuthClient auth;
    private final MessageClient message;
    private final TtlCache<Long, Optional<UserSummary>> users;
    private final TtlCache<Long, List<Long>> peers;

    public UserDirectory(@RestClient AuthClient auth, @RestClient MessageClient message, PresenceConfig config,
            InternalCredential credential) {
        this.credential = credential;
        this.auth = auth;
        this.message = message;
        this.users = new TtlCache<>(config.lookups().usersTtl(), config.lookups().maxEntries());
        this.peers = new TtlCache<>(config.lookups().peersTtl(), config.lookups().maxEntries());
    }

    /**
     * The existing users among {@code ids}, asking auth-service (with presence's service token; the caller's
     * {@code authorization} is not passed on) only for those not cached.
     */
    public Lookup users(Collection<Long> ids, String authorization) {
        Map<Long, UserSummary> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            Optional<Optional<UserSummary>> cached = users.get(id);
            if (cached.isPresent()) {
                cached.get().ifPresent(u -> found.put(id, u));
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return new Lookup(found, true);
        }
        try {
            List<UserSummary> answer = auth.users(missing.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    credential.token(InternalCredential.AUTH)).data();
            Map<Long, UserSummary> byId = new HashMap<>();
            if (answer != null) {
                answer.forEach(u -> byId.put(u.id(), u));
            }
            for (long id : missing) {
                UserSummary u = byId.get(id);
                users.put(id, Optional.ofNullable(u));
                if (u != null) {
                    found.put(id, u);
                }
            }
            return new Lookup(found, true);
        } catch (RuntimeException e) {
            LOG.warnf("auth-service user lookup failed, answering without usernames: %s", e.toString());
            return new Lookup(found, false);
        }
    }

    /** Everyone who shares a conversation with the user; empty (and not cached) when message-service fails. */
    public List<Long> peers(long userId) {
        Optional<List<Long>> cached = peers.get(userId);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            List<Long> answer = message.peers(userId, credential.token(InternalCredential.MESSAGE, userId)).data();
            List<Long> result = answer == null ? List.of() : List.copyOf(answer);
            peers.put(userId, result);
            return result;
        } catch (RuntimeException e) {
            LOG.warnf("message-service peers of user %d failed, presence not pushed: %s", userId, e.toString());
            return List.of();
        }
    }
}
