package io.imsystem.common.limit;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import io.imsystem.common.http.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Token buckets in Redis, shared by every replica of every service: one Lua script takes tokens
 * atomically (refill by Redis's own clock, so replicas' clocks do not matter). A bucket holds
 * {@code burst} tokens and refills at {@code perMinute}; each call takes one. When Redis cannot be
 * reached the call is let through (logged): the limits guard against abuse, and refusing everyone
 * because the counter is away would be an outage of its own.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    /** The buckets of the services (API.md: per user, or per client address before login). */
    public static final String SEND = "send";
    public static final String SYNC = "sync";
    public static final String PRESENCE = "presence";
    public static final String FRIEND_REQUEST = "friend-request";
    public static final String GROUP_CREATE = "group-create";
    public static final String GROUP_MEMBERS = "group-members";
    public static final String REGISTER = "register";
    public static final String LOGIN = "login";

    /**
     * KEYS[1] the bucket (hash: tokens, at); ARGV burst, refill per millisecond, tokens wanted.
     * Grants as many of the wanted tokens as the bucket holds; answers {granted, tokens left (floor),
     * ms until the next token when not all were granted, ms until the bucket is full again}.
     */
    static final LuaScript TAKE = new LuaScript("""
            local burst = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local want = tonumber(ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(b[1])
            local at = tonumber(b[2])
            if tokens == nil or at == nil then
              tokens = burst
              at = now
            end
            if now > at then
              tokens = math.min(burst, tokens + (now - at) * rate)
              at = now
            end
            local granted = math.min(want, math.floor(tokens))
            if granted < 0 then granted = 0 end
            tokens = tokens - granted
            local retry = 0
            if granted < want then retry = math.ceil((1 - tokens) / rate) end
            local full = math.ceil((burst - tokens) / rate)
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
            redis.call('PEXPIRE', KEYS[1], full + 1000)
            return {granted, math.floor(tokens), retry, full}
            """);

    /** What one take answered: how many tokens were granted and the state of the bucket after it. */
    public record Decision(int granted, int limit, long remaining, long retryAfterSeconds, long resetSeconds) {

        public boolean allowed() {
            return granted > 0;
        }

        /** A decision that limits nothing (limits off, or Redis away). */
        static Decision open(int wanted) {
            return new Decision(wanted, -1, -1, 0, 0);
        }

        /** Whether there is a bucket to report in headers. */
        public boolean known() {
            return limit > 0;
        }

        /** The 429 of this decision, as the envelope and Retry-After. */
        public ApiException refusal() {
            return new ApiException(429, ErrorCodes.RATE_LIMITED, "rate limit reached, retry after " + retryAfterSeconds + " s",
                    null, retryAfterSeconds);
        }
    }

    private final Redis redis;
    private final Keys keys;
    private final RateLimitConfig config;

    private final List<Cidr> exempt;

    public RateLimiter(Redis redis, Keys keys, RateLimitConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.exempt = Cidr.parseAll(config.exemptAddresses().orElse(List.of()));
    }

    private boolean exempt(String subject) {
        if (exempt.isEmpty() || !subject.startsWith("addr:")) {
            return false;
        }
        return Cidr.any(exempt, Cidr.literal(subject.substring(5)));
    }

    /** Takes one token of {@code subject}'s bucket {@code limit}, without blocking. */
    public Uni<Decision> take(String limit, String subject) {
        RateLimitConfig.Bucket bucket = exempt(subject) ? null : bucket(limit);
        if (bucket == null) {
            return Uni.createFrom().item(Decision.open(1));
        }
        return TAKE.send(redis, List.of(key(limit, subject)), args(bucket, 1))
                .map(r -> decision(bucket, r))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("rate limit %s not checked (%s): let through", limit, e.toString());
                    return Decision.open(1);
                });
    }

    /** Takes one token of {@code subject}'s bucket, blocking; throws the 429 when there is none. */
    public Decision require(String limit, String subject) {
        Decision d = take(limit, subject).await().indefinitely();
        if (!d.allowed()) {
            throw d.refusal();
        }
        return d;
    }

    /**
     * Takes {@code wanted.get(s)} tokens of each subject's bucket {@code limit}, as many as each bucket
     * holds, in one pipelined round trip (blocking): a batch of many users' calls.
     */
    public Map<String, Decision> takeEach(String limit, Map<String, Integer> wanted) {
        Map<String, Decision> out = new LinkedHashMap<>();
        RateLimitConfig.Bucket bucket = bucket(limit);
        if (bucket == null || wanted.isEmpty()) {
            wanted.forEach((s, n) -> out.put(s, Decision.open(n)));
            return out;
        }
        List<String> subjects = new ArrayList<>(wanted.keySet());
        List<Request> calls = new ArrayList<>(subjects.size());
        for (String s : subjects) {
            calls.add(TAKE.call(List.of(key(limit, s)), args(bucket, wanted.get(s))));
        }
        try {
            List<Response> answers = LuaScript.pipeline(redis, calls, TAKE);
            for (int i = 0; i < subjects.size(); i++) {
                out.put(subjects.get(i), decision(bucket, answers.get(i)));
            }
        } catch (RuntimeException e) {
            LOG.warnf("rate limit %s not checked (%s): let through", limit, e.toString());
            wanted.forEach((s, n) -> out.put(s, Decision.open(n)));
        }
        return out;
    }

    /** The bucket subject of a user. */
    public static String user(long userId) {
        return "user:" + userId;
    }

    /** The bucket subject of a client address. */
    public static String address(String address) {
        return "addr:" + address;
    }

    private RateLimitConfig.Bucket bucket(String limit) {
        if (!config.enabled()) {
            return null;
        }
        RateLimitConfig.Bucket bucket = config.limits().get(limit);
        if (bucket == null) {
            throw new IllegalStateException("no settings for the rate limit " + limit + " (im.rate-limit.limits." + limit + ".*)");
        }
        return bucket;
    }

    private String key(String limit, String subject) {
        return keys.rateLimit(limit, subject);
    }

    private static List<String> args(RateLimitConfig.Bucket bucket, int wanted) {
        return List.of(Integer.toString(bucket.burst()), Double.toString(bucket.perMinute() / 60_000.0), Integer.toString(wanted));
    }

    private static Decision decision(RateLimitConfig.Bucket bucket, Response r) {
        long retryMs = r.get(2).toLong();
        long fullMs = r.get(3).toLong();
        return new Decision(r.get(0).toInteger(), bucket.burst(), r.get(1).toLong(),
                Math.max(1, (retryMs + 999) / 1000), (fullMs + 999) / 1000);
    }
}
