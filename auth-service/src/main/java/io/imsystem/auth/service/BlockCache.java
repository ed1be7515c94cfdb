package io.imsystem.auth.service;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Each user's block list in Redis ({@code im:auth:blocked-by:{uid}}), so that message-service can
 * check a private send without a call to auth. MySQL stays the truth: the set is filled from it on
 * demand (the relation route) and dropped on every change; a version key bumped on each change
 * keeps a refill that read MySQL before the change from writing its stale list back.
 */
@ApplicationScoped
public class BlockCache {

    private static final Logger LOG = Logger.getLogger(BlockCache.class);
    /** A refill also expires: whatever went wrong, a list is never older than this. */
    static final long TTL_SECONDS = 600;

    /** KEYS: version, set. Bumps the version and drops the set. */
    private static final LuaScript INVALIDATE = new LuaScript("redis.call('INCR', KEYS[1]) redis.call('DEL', KEYS[2]) return 1");

    /** KEYS: version, set; ARGV: version read before MySQL ("" for none), ttl, member ids. */
    private static final LuaScript FILL = new LuaScript("""
            local v = redis.call('GET', KEYS[1]) or ''
            if v ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[2])
            redis.call('SADD', KEYS[2], '0', unpack(ARGV, 3))
            redis.call('EXPIRE', KEYS[2], ARGV[2])
            return 1""");

    private final RedisDataSource redis;
    private final Keys keys;

    public BlockCache(RedisDataSource redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Drops the user's cached list; throws when Redis cannot be reached (the caller decides). */
    public void invalidate(long blocker) {
        INVALIDATE.run(redis, List.of(keys.blocksVersion(blocker), keys.blockedBy(blocker)), List.of());
    }

    /** As {@link #invalidate}, after the change is committed: a failure is logged (the list expires anyway). */
    public void invalidateQuietly(long blocker) {
        try {
            invalidate(blocker);
        } catch (RuntimeException e) {
            LOG.errorf("block list of user %d not dropped from Redis (it expires within %d s): %s", blocker, TTL_SECONDS, e.toString());
        }
    }

    /** The version to pass to {@link #fill}, read before MySQL; null when Redis cannot be reached. */
    public String version(long blocker) {
        try {
            Response v = redis.execute("GET", keys.blocksVersion(blocker));
            return v == null ? "" : v.toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Writes the list read from MySQL, unless a change came in since {@code version} was read. */
    public void fill(long blocker, String version, Collection<Long> blocked) {
        if (version == null) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(version, Long.toString(TTL_SECONDS)));
        blocked.forEach(id -> args.add(Long.toString(id)));
        try {
            FILL.run(redis, List.of(keys.blocksVersion(blocker), keys.blockedBy(blocker)), args);
        } catch (RuntimeException e) {
            LOG.warnf("block list of user %d not cached: %s", blocker, e.toString());
        }
    }
}
