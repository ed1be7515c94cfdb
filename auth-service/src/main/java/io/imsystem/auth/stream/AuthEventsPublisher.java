package io.imsystem.auth.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Tells the other services what auth did (docs/ARCHITECTURE.md): {@code login}/{@code logout} on
 * {@code im:presence:events}, a {@code close} entry on each gateway that holds a socket of a
 * session that ended (logout, reused refresh token), and {@code deliver} entries with the contact frames (friend requests,
 * accepts, removals) for the gateways holding a socket of the user they concern.
 */
@ApplicationScoped
public class AuthEventsPublisher {

    private static final Logger LOG = Logger.getLogger(AuthEventsPublisher.class);
    /** Every XADD trims its stream to about this many entries (docs/ARCHITECTURE.md). */
    private static final long MAX_LEN = 100_000;

    private final StreamCommands<String, String, String> streams;
    private final HashCommands<String, String, String> hashes;
    private final Keys keys;
    private final ObjectMapper json;

    public AuthEventsPublisher(RedisDataSource redis, Keys keys, ObjectMapper json) {
        this.streams = redis.stream(String.class);
        this.hashes = redis.hash(String.class);
        this.keys = keys;
        this.json = json;
    }

    /**
     * The user logged in or registered. Presence is soft state that heartbeats rebuild, so a Redis
     * failure here is logged and does not fail the login that already happened.
     */
    public void loggedIn(long userId) {
        presence(StreamFields.LOGIN, userId);
    }

    public void loggedOut(long userId) {
        presence(StreamFields.LOGOUT, userId);
    }

    /**
     * Asks every gateway holding a socket of the user to close the sockets of a session that ended
     * (close code 4401): every socket opened with a token of the refresh family {@code session} (the
     * tokens' {@code sid}), and those opened with the token {@code jti} (a token without a session).
     * Answers how many gateways were told.
     */
    public int closeSession(long userId, String session, String jti, String reason) {
        Map<String, String> entry = new HashMap<>();
        entry.put(StreamFields.TYPE, StreamFields.CLOSE);
        entry.put(StreamFields.USER, Long.toString(userId));
        entry.put(StreamFields.REASON, reason);
        if (session != null && !session.isBlank()) {
            entry.put(StreamFields.SESSION, session);
        }
        if (jti != null && !jti.isBlank()) {
            entry.put(StreamFields.JTI, jti);
        }
        return toGatewaysOf(userId, entry);
    }

    /**
     * Hands a server frame to every gateway holding a socket of the user; a user without one gets
     * nothing (the state is in MySQL, the lists show it). Never throws: the change it reports is
     * committed already, and a Redis failure must not turn it into an error for the caller.
     */
    public void deliver(long userId, Object frame) {
        try {
            toGatewaysOf(userId, Map.of(
                    StreamFields.TYPE, StreamFields.DELIVER,
                    StreamFields.FRAME, json.writeValueAsString(frame),
                    StreamFields.USERS, Long.toString(userId)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand a %s to the gateways user=%d: %s", frame.getClass().getSimpleName(), userId,
                    e.toString());
        }
    }

    /** Adds the entry to the stream of every gateway in the user's route table; answers how many. */
    private int toGatewaysOf(long userId, Map<String, String> entry) {
        Set<String> gateways = new TreeSet<>(hashes.hvals(keys.route(userId)));
        for (String gateway : gateways) {
            streams.xadd(keys.gatewayStream(gateway), trimmed(), entry);
        }
        return gateways.size();
    }

    private void presence(String type, long userId) {
        try {
            streams.xadd(keys.presenceEvents(), trimmed(),
                    Map.of(StreamFields.TYPE, type, StreamFields.USER, Long.toString(userId)));
        } catch (RuntimeException e) {
            LOG.warnf("could not publish presence event type=%s user=%d: %s", type, userId, e.toString());
        }
    }

    private static XAddArgs trimmed() {
        return new XAddArgs().maxlen(MAX_LEN).nearlyExactTrimming();
    }
}
