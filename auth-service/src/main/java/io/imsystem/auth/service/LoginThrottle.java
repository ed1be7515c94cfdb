package io.imsystem.auth.service;

import io.imsystem.auth.config.AuthConfig;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.keys.RedisKeyNotFoundException;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Counts failed logins per account and per client address in Redis over a fixed window, and
 * refuses further attempts with 429 once either count reaches its limit. Only failures count.
 */
@ApplicationScoped
public class LoginThrottle {

    private final ValueCommands<String, Long> counters;
    private final KeyCommands<String> redisKeys;
    private final Keys keys;
    private final AuthConfig.Login config;

    public LoginThrottle(RedisDataSource redis, Keys keys, AuthConfig config) {
        this.counters = redis.value(Long.class);
        this.redisKeys = redis.key();
        this.keys = keys;
        this.config = config.login();
    }

    /** Throws 429 with Retry-After when the account or the address has used up its failures. */
    public void check(String account, String address) {
        refuseIfOver(accountKey(account), config.maxFailuresPerAccount());
        refuseIfOver(addressKey(address), config.maxFailuresPerAddress());
    }

    public void recordFailure(String account, String address) {
        count(accountKey(account));
        count(addressKey(address));
    }

    private void refuseIfOver(String key, int limit) {
        Long failures = counters.get(key);
        if (failures != null && failures >= limit) {
            long ttl = ttl(key);
            throw ApiException.rateLimited(ttl > 0 ? ttl : config.window().toSeconds());
        }
    }

    private void count(String key) {
        long failures = counters.incr(key);
        Duration window = config.window();
        // The first failure opens the window; a key that somehow lost its TTL gets one again.
        if (failures == 1 || ttl(key) < 0) {
            redisKeys.expire(key, window);
        }
    }

    private long ttl(String key) {
        try {
            return redisKeys.ttl(key);
        } catch (RedisKeyNotFoundException e) {
            return -2;
        }
    }

    private String accountKey(String account) {
        return keys.of("im:auth:login-failures:account:" + account);
    }

    private String addressKey(String address) {
        return keys.of("im:auth:login-failures:address:" + address);
    }
}
