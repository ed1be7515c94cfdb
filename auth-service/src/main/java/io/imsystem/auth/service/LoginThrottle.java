package io.imsystem.auth.service;

import io.imsystem.auth.config.AuthConfig;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Failed logins, counted in Redis over a window. An attempt is reserved before the password is
 * checked, in one script with the check of every count, so parallel attempts cannot get past the
 * limit; a successful attempt gives its reservation back (only failures count).
 * <ul>
 * <li>per account and client address ({@code max-failures-per-account}): a stranger's guesses lock
 * the stranger out, not the owner at another address;</li>
 * <li>per client address ({@code max-failures-per-address}), over all accounts;</li>
 * <li>per account over all addresses, a slower backoff: after {@code backoff-after} failures every
 * further attempt waits {@code backoff} (doubling up to {@code backoff-max}), except from an
 * address that logged in to this account before: the owner's usual client still gets in.</li>
 * </ul>
 */
@ApplicationScoped
public class LoginThrottle {

    /** How long an address that logged in successfully stays known to the account. */
    static final long KNOWN_ADDRESS_MS = 30L * 24 * 3600 * 1000;

    /**
     * KEYS pair, address, account (hash n, next), known addresses of the account; ARGV max per pair, max per
     * address, window ms, backoff after, backoff ms, backoff max ms, the address. Answers {1, 0, counted
     * globally} when the attempt is reserved, {0, ms to wait, 0} when refused.
     */
    static final LuaScript RESERVE = new LuaScript("""
            local window = tonumber(ARGV[3])
            local function wait(k)
              local t = redis.call('PTTL', k)
              if t < 0 then return window end
              return t
            end
            local function count(k)
              local n = redis.call('INCR', k)
              if n == 1 or redis.call('PTTL', k) < 0 then redis.call('PEXPIRE', k, window) end
            end
            if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return {0, wait(KEYS[1]), 0} end
            if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return {0, wait(KEYS[2]), 0} end
            local global = 0
            if redis.call('SISMEMBER', KEYS[4], ARGV[7]) == 0 then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              local n = tonumber(redis.call('HGET', KEYS[3], 'n') or '0')
              local after = tonumber(ARGV[4])
              if n >= after then
                local nextAt = tonumber(redis.call('HGET', KEYS[3], 'next') or '0')
                if now < nextAt then return {0, nextAt - now, 0} end
                local delay = math.min(tonumber(ARGV[6]), tonumber(ARGV[5]) * math.pow(2, math.min(n - after, 30)))
                redis.call('HSET', KEYS[3], 'next', string.format('%d', now + delay))
                redis.call('PEXPIRE', KEYS[3], math.max(window, delay))
              end
              redis.call('HINCRBY', KEYS[3], 'n', 1)
              if redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], window) end
              global = 1
            end
            count(KEYS[1])
            count(KEYS[2])
            return {1, 0, global}
            """);

    /** KEYS as RESERVE; ARGV counted globally (0/1), the address, ms the address stays known. */
    static final LuaScript RELEASE = new LuaScript("""
            local function uncount(k)
              if tonumber(redis.call('GET', k) or '0') > 0 then redis.call('DECR', k) end
            end
            uncount(KEYS[1])
            uncount(KEYS[2])
            if ARGV[1] == '1' and tonumber(redis.call('HGET', KEYS[3], 'n') or '0') > 0 then
              redis.call('HINCRBY', KEYS[3], 'n', -1)
            end
            redis.call('SADD', KEYS[4], ARGV[2])
            redis.call('PEXPIRE', KEYS[4], ARGV[3])
            return 1
            """);

    /** A reserved attempt: give it back with {@link #succeeded} when the password was right. */
    public record Attempt(List<String> keys, String address, boolean countedGlobally) {
    }

    private final RedisDataSource redis;
    private final Keys keys;
    private final AuthConfig.Login config;

    public LoginThrottle(RedisDataSource redis, Keys keys, AuthConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config.login();
    }

    /** Reserves one failed attempt of {@code account} from {@code address}, or throws 429 with Retry-After. */
    public Attempt reserve(String account, String address) {
        List<String> k = List.of(
                keys.of("im:auth:login-failures:pair:" + account + ":" + address),
                keys.of("im:auth:login-failures:address:" + address),
                keys.of("im:auth:login-failures:account:" + account),
                keys.of("im:auth:login-known:" + account));
        Response r = RESERVE.run(redis, k,
                Integer.toString(config.maxFailuresPerAccount()),
                Integer.toString(config.maxFailuresPerAddress()),
                Long.toString(config.window().toMillis()),
                Integer.toString(config.backoffAfter()),
                Long.toString(config.backoff().toMillis()),
                Long.toString(config.backoffMax().toMillis()),
                address);
        if (r.get(0).toInteger() != 1) {
            throw ApiException.rateLimited(Math.max(1, (r.get(1).toLong() + 999) / 1000));
        }
        return new Attempt(k, address, r.get(2).toInteger() == 1);
    }

    /** The password was right: the attempt does not count, and the address is known to the account from now on. */
    public void succeeded(Attempt attempt) {
        RELEASE.run(redis, attempt.keys(), attempt.countedGlobally() ? "1" : "0", attempt.address(), Long.toString(KNOWN_ADDRESS_MS));
    }
}
