package io.imsystem.auth.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Tells the other services what auth did (docs/ARCHITECTURE.md): {@code login}/{@code logout} on
 * {@code im:presence:events}, and a {@code close} entry on each gateway that holds a socket of a
 * user who logged out.
 */
@ApplicationScoped
public class AuthEventsPublisher {

    private static final Logger LOG = Logger.getLogger(AuthEventsPublisher.class);
    /** Entry types of im:presence:events written by auth. */
    private static final long MAX_LEN = 100_000;

    private final StreamCommands<String, String, String> streams;
    private final HashCommands<String, String, String> hashes;
    private final Keys keys;

    public AuthEventsPublisher(RedisDataSource redis, Keys keys) {
        this.streams = redis.stream(String.class);
        this.hashes = redis.hash(String.class);
        this.keys = keys;
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

    /** Asks every gateway holding a socket of the user to close the sockets opened with that token. */
    public int closeSockets(long userId, String jti, String reason) {
        Set<String> gateways = new LinkedHashSet<>(hashes.hvals(keys.route(userId)));
        for (String gateway : gateways) {
            streams.xadd(keys.gatewayStream(gateway), trimmed(), Map.of(
                    StreamFields.TYPE, StreamFields.CLOSE,
                    StreamFields.USER, Long.toString(userId),
                    StreamFields.JTI, jti,
                    StreamFields.REASON, reason));
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
