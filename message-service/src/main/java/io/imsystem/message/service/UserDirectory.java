package io.imsystem.message.service;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.message.client.AuthClient;
import io.imsystem.message.client.UserSummary;
import io.imsystem.message.config.MessageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Who exists and what they are called, asked of auth-service in batches (with the internal credential)
 * and kept briefly in memory. Only users that exist are cached: a user who registers a moment later is
 * found at once.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);
    private static final int BATCH = 200;

    private record Cached(UserSummary user, long expiresAt) {
    }

    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    @RestClient
    AuthClient auth;

    @Inject
    MessageConfig config;

    @Inject
    InternalCredential credential;

    /** The user with this id, or 404. */
    public UserSummary require(long userId) {
        UserSummary user = find(List.of(userId)).get(userId);
        if (user == null) {
            throw ApiException.notFound("user");
        }
        return user;
    }

    /** The users among {@code ids} that exist. */
    public Map<Long, UserSummary> find(Collection<Long> ids) {
        long now = System.currentTimeMillis();
        Map<Long, UserSummary> found = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long id : new LinkedHashSet<>(ids)) {
            Cached c = cache.get(id);
            if (c != null && c.expiresAt() > now) {
                found.put(id, c.user());
            } else {
                missing.add(id);
            }
        }
        for (int i = 0; i < missing.size(); i += BATCH) {
            List<Long> batch = missing.subList(i, Math.min(missing.size(), i + BATCH));
            for (UserSummary u : fetch(batch)) {
                found.put(u.id(), u);
                remember(u, now);
            }
        }
        return found;
    }

    private List<UserSummary> fetch(List<Long> ids) {
        String joined = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        try {
            ApiResponse<List<UserSummary>> answer = auth.users(credential.token(InternalCredential.AUTH), joined);
            return answer == null || answer.data() == null ? List.of() : answer.data();
        } catch (WebApplicationException e) {
            LOG.warnf("user lookup at auth-service answered %d", e.getResponse().getStatus());
            throw ApiException.unavailable("user directory unavailable");
        } catch (RuntimeException e) {
            LOG.warnf("user lookup at auth-service failed: %s", e.toString());
            throw ApiException.unavailable("user directory unavailable");
        }
    }

    private void remember(UserSummary user, long now) {
        if (cache.size() >= config.users().maxEntries()) {
            cache.clear();
        }
        cache.put(user.id(), new Cached(user, now + config.users().ttl().toMillis()));
    }
}
