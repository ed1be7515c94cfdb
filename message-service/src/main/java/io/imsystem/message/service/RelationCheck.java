package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.message.client.AuthClient;
import io.imsystem.message.client.Relation;
import io.imsystem.message.config.MessageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Whether a private message may go from one user to another: never when the receiver blocked the
 * sender, and only between friends when friendship is required. The receiver's block list is read
 * from Redis, where auth keeps it (filled on demand, dropped on every change, so a block takes effect
 * at once); when it is not there, or friendship is required, auth is asked, and when auth cannot
 * answer the send fails (503) rather than slipping past a block.
 */
@ApplicationScoped
public class RelationCheck {

    private static final Logger LOG = Logger.getLogger(RelationCheck.class);

    @Inject
    @RestClient
    AuthClient auth;

    @Inject
    CurrentUser currentUser;

    @Inject
    MessageConfig config;

    /** KEYS: the receiver's block list; ARGV: the sender. -1: not known here (ask auth), 1: blocked, 0: not. */
    private static final String BLOCKED = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            return redis.call('SISMEMBER', KEYS[1], ARGV[1])""";

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    /** 403 {@code BLOCKED} or {@code NOT_FRIENDS} when {@code senderId} may not message {@code receiverId}. */
    public void requireMaySend(long senderId, long receiverId) {
        if (!config.requireFriendship()) {
            // The receiver's block list as auth put it in Redis (dropped by auth on every change).
            int cached = cachedBlock(senderId, receiverId);
            if (cached == 1) {
                throw new ApiException(403, ErrorCodes.BLOCKED, "the receiver does not accept your messages");
            }
            if (cached == 0) {
                return;
            }
        }
        Relation relation = fetch(senderId, receiverId);
        if (relation.blocked()) {
            throw new ApiException(403, ErrorCodes.BLOCKED, "the receiver does not accept your messages");
        }
        if (config.requireFriendship() && !relation.friends()) {
            throw new ApiException(403, ErrorCodes.NOT_FRIENDS, "you can only message your friends");
        }
    }

    /** 1 blocked, 0 not, -1 unknown (no list in Redis, or Redis unreachable: auth answers then). */
    private int cachedBlock(long senderId, long receiverId) {
        try {
            return redis.execute("EVAL", BLOCKED, "1", keys.blockedBy(receiverId), Long.toString(senderId)).toInteger();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private Relation fetch(long senderId, long receiverId) {
        try {
            ApiResponse<Relation> answer = auth.relation(senderId, receiverId, "Bearer " + currentUser.token().getRawToken());
            if (answer == null || answer.data() == null) {
                throw new IllegalStateException("empty answer");
            }
            return answer.data();
        } catch (WebApplicationException e) {
            LOG.warnf("relation lookup at auth-service answered %d", e.getResponse().getStatus());
            throw ApiException.unavailable("relation check unavailable");
        } catch (RuntimeException e) {
            LOG.warnf("relation lookup at auth-service failed: %s", e.toString());
            throw ApiException.unavailable("relation check unavailable");
        }
    }
}
