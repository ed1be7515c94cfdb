package io.imsystem.auth.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.common.stream.GatewayEntry;
import io.imsystem.common.stream.GatewayStreams;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
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

    private final StreamCommands<String, String, String> streams;
    private final GatewayStreams gateways;
    private final Keys keys;
    private final ObjectMapper json;
    private final XAddArgs trimmed;

    public AuthEventsPublisher(RedisDataSource redis, GatewayStreams gateways, Keys keys, ObjectMapper json,
            GatewayStreams.Config streamConfig) {
        this.streams = redis.stream(String.class);
        this.gateways = gateways;
        this.keys = keys;
        this.json = json;
        this.trimmed = new XAddArgs().maxlen(streamConfig.maxLen()).nearlyExactTrimming();
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
        return gateways.publishAndAwait(List.of(new GatewayStreams.Targeted(new GatewayEntry.Close(userId, session, jti, reason),
                List.of(userId))));
    }

    /**
     * Hands a server frame to every gateway holding a socket of the user; a user without one gets
     * nothing (the state is in MySQL, the lists show it). Never throws: the change it reports is
     * committed already, and a Redis failure must not turn it into an error for the caller.
     */
    public void deliver(long userId, Object frame) {
        try {
            gateways.publishAndAwait(List.of(GatewayStreams.Targeted.of(GatewayEntry.Deliver.of(json.writeValueAsString(frame),
                    List.of(userId)))));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand a %s to the gateways user=%d: %s", frame.getClass().getSimpleName(), userId,
                    e.toString());
        }
    }

    private void presence(String type, long userId) {
        try {
            streams.xadd(keys.presenceEvents(), trimmed,
                    Map.of(StreamFields.TYPE, type, StreamFields.USER, Long.toString(userId)));
        } catch (RuntimeException e) {
            LOG.warnf("could not publish presence event type=%s user=%d: %s", type, userId, e.toString());
        }
    }
}
