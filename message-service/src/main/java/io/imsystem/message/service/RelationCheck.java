package io.imsystem.message.service;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.imsystem.message.client.AuthClient;
import io.imsystem.message.client.Relation;
import io.imsystem.message.config.MessageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.util.ArrayList;
import java.util.List;
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

    /** KEYS: the receiver's block list; ARGV: the sender. -1: not known here (ask auth), 1: blocked, 0: not. */
    private static final LuaScript BLOCKED = new LuaScript("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            return redis.call('SISMEMBER', KEYS[1], ARGV[1])""");

    /** A private send to check: from {@code senderId} to {@code receiverId}. */
    public record Pair(long senderId, long receiverId) {
    }

    @Inject
    @RestClient
    AuthClient auth;

    @Inject
    MessageConfig config;

    @Inject
    InternalCredential credential;

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    /** 403 {@code BLOCKED} or {@code NOT_FRIENDS} when {@code senderId} may not message {@code receiverId}. */
    public void requireMaySend(long senderId, long receiverId) {
        ApiException refused = check(List.of(new Pair(senderId, receiverId))).get(0);
        if (refused != null) {
            throw refused;
        }
    }

    /**
     * For each pair, null when the send may go, else why not (403, or 503 when auth cannot tell): the
     * block lists of all receivers in one pipelined round trip, auth asked only for those not in Redis.
     */
    public List<ApiException> check(List<Pair> pairs) {
        int[] cached = config.requireFriendship() ? unknown(pairs.size()) : cachedBlocks(pairs);
        List<ApiException> out = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            if (cached[i] == 1) {
                out.add(blocked());
            } else if (cached[i] == 0) {
                out.add(null);
            } else {
                out.add(askAuth(p));
            }
        }
        return out;
    }

    private ApiException askAuth(Pair p) {
        Relation relation;
        try {
            ApiResponse<Relation> answer = auth.relation(credential.token(InternalCredential.AUTH, p.senderId()), p.senderId(),
                    p.receiverId());
            if (answer == null || answer.data() == null) {
                throw new IllegalStateException("empty answer");
            }
            relation = answer.data();
        } catch (WebApplicationException e) {
            LOG.warnf("relation lookup at auth-service answered %d", e.getResponse().getStatus());
            return ApiException.unavailable("relation check unavailable");
        } catch (RuntimeException e) {
            LOG.warnf("relation lookup at auth-service failed: %s", e.toString());
            return ApiException.unavailable("relation check unavailable");
        }
        if (relation.blocked()) {
            return blocked();
        }
        if (config.requireFriendship() && !relation.friends()) {
            return new ApiException(403, ErrorCodes.NOT_FRIENDS, "you can only message your friends");
        }
        return null;
    }

    /** Per pair 1 blocked, 0 not, -1 unknown (no list in Redis, or Redis unreachable: auth answers then). */
    private int[] cachedBlocks(List<Pair> pairs) {
        try {
            List<Request> calls = new ArrayList<>(pairs.size());
            for (Pair p : pairs) {
                calls.add(BLOCKED.call(List.of(keys.blockedBy(p.receiverId())), List.of(Long.toString(p.senderId()))));
            }
            List<Response> answers = LuaScript.pipeline(redis.getReactive().getRedis(), calls, BLOCKED);
            int[] out = new int[pairs.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = answers.get(i).toInteger();
            }
            return out;
        } catch (RuntimeException e) {
            return unknown(pairs.size());
        }
    }

    private static int[] unknown(int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, -1);
        return out;
    }

    private static ApiException blocked() {
        return new ApiException(403, ErrorCodes.BLOCKED, "the receiver does not accept your messages");
    }
}
