package io.imsystem.presence.service;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.set.SetCommands;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.SortedSetCommands;
import io.quarkus.redis.datasource.sortedset.ZRangeArgs;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The presence state in Redis, written only by this service (DESIGN.md): the route table
 * {@code im:route:{uid}}, the online set, {@code im:presence:{uid}}, and our own connection
 * bookkeeping under {@code im:conn:*}. Every change of a user's state is one Lua script, so that
 * concurrent registers, heartbeats, closes and sweeps (also from several replicas) never leave
 * routes and status out of step.
 */
@ApplicationScoped
public class PresenceStore {

    /**
     * Connections of one gateway are (re)written, unless closed recently: a late heartbeat must not revive them.
     * KEYS: owners, alive, gateway set, online, closed, then route and presence of each connection's user.
     * ARGV: gateway, now millis, now ISO, then connId and userId of each connection.
     */
    private static final LuaScript TOUCH = new LuaScript("""
            local out = {}
            for i = 1, (#ARGV - 3) / 2 do
              local conn, uid = ARGV[2 + 2 * i], ARGV[3 + 2 * i]
              local route, presence = KEYS[4 + 2 * i], KEYS[5 + 2 * i]
              if redis.call('ZSCORE', KEYS[5], conn) then
                out[i] = {redis.call('HLEN', route), 0, 0, 1}
              else
                local known = redis.call('HEXISTS', route, conn)
                redis.call('HSET', route, conn, ARGV[1])
                redis.call('HSET', KEYS[1], conn, uid .. ':' .. ARGV[1])
                redis.call('ZADD', KEYS[2], ARGV[2], conn)
                redis.call('SADD', KEYS[3], conn)
                redis.call('ZADD', KEYS[4], ARGV[2], uid)
                local devices = redis.call('HLEN', route)
                local was = redis.call('HGET', presence, 'status')
                redis.call('HSET', presence, 'status', 'online', 'last_seen', ARGV[3], 'devices', devices)
                local changed = 0
                if was ~= 'online' then changed = 1 end
                out[i] = {devices, changed, 1 - known, 0}
              end
            end
            return out
            """);

    /** Connections written by one script run: large heartbeat batches cost one round trip per chunk. */
    private static final int TOUCH_CHUNK = 200;

    /** A connection goes; the user goes offline with it when it was the last one. */
    private static final LuaScript DROP = new LuaScript("""
            if ARGV[6] ~= '' then
              local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
              if score and tonumber(score) >= tonumber(ARGV[6]) then
                return {redis.call('HLEN', KEYS[1]), 0, 0}
              end
            end
            local removed = redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[1])
            redis.call('SREM', KEYS[4], ARGV[1])
            if ARGV[7] == '1' then redis.call('ZADD', KEYS[7], ARGV[3], ARGV[1]) end
            local devices = redis.call('HLEN', KEYS[1])
            if devices > 0 then
              if redis.call('EXISTS', KEYS[6]) == 1 then redis.call('HSET', KEYS[6], 'devices', devices) end
              return {devices, 0, removed}
            end
            if removed == 0 then return {0, 0, 0} end
            local was = redis.call('HGET', KEYS[6], 'status')
            local seen = ARGV[4]
            if seen == '' then seen = redis.call('HGET', KEYS[6], 'last_seen') or ARGV[5] end
            redis.call('ZREM', KEYS[5], ARGV[2])
            redis.call('HSET', KEYS[6], 'status', 'offline', 'last_seen', seen, 'devices', 0)
            local changed = 0
            if was == 'online' then changed = 1 end
            return {0, changed, removed}
            """);

    private static final LuaScript LOGIN = new LuaScript("""
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
            local was = redis.call('HGET', KEYS[3], 'status')
            redis.call('HSET', KEYS[3], 'status', 'online', 'last_seen', ARGV[3], 'devices', redis.call('HLEN', KEYS[1]))
            if was == 'online' then return 0 end
            return 1
            """);

    /**
     * Offline unless a live connection remains (logout; or, with ARGV[4], a user whose last activity is
     * older than that). Route entries without liveness (left by a partial data loss) could never expire:
     * they go here.
     */
    private static final LuaScript OFFLINE = new LuaScript("""
            local live = 0
            for _, conn in ipairs(redis.call('HKEYS', KEYS[1])) do
              if redis.call('ZSCORE', KEYS[4], conn) then live = live + 1 else redis.call('HDEL', KEYS[1], conn) end
            end
            if live > 0 then
              if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], 'XX', ARGV[5], ARGV[1]) end
              return 0
            end
            if ARGV[4] ~= '' then
              local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
              if score and tonumber(score) >= tonumber(ARGV[4]) then return 0 end
            end
            redis.call('ZREM', KEYS[2], ARGV[1])
            local was = redis.call('HGET', KEYS[3], 'status')
            local seen = ARGV[2]
            if seen == '' then seen = redis.call('HGET', KEYS[3], 'last_seen') or ARGV[3] end
            redis.call('HSET', KEYS[3], 'status', 'offline', 'last_seen', seen, 'devices', 0)
            if was == 'online' then return 1 end
            return 0
            """);

    /** The state to push, if it differs from the last one pushed (the debounce's memory, shared by replicas). */
    private static final LuaScript TAKE_UNPUSHED = new LuaScript("""
            local st = redis.call('HMGET', KEYS[1], 'status', 'last_seen', 'pushed')
            if not st[1] or st[1] == st[3] then return false end
            redis.call('HSET', KEYS[1], 'pushed', st[1])
            return {st[1], st[2] or ''}
            """);

    private static final LuaScript READ = new LuaScript("""
            local out = {}
            for i, key in ipairs(KEYS) do
              out[i] = redis.call('HMGET', key, 'status', 'last_seen', 'devices')
            end
            return out
            """);

    private final RedisDataSource redis;
    private final Keys keys;
    private final HashCommands<String, String, String> hashes;
    private final SortedSetCommands<String, String> zsets;
    private final SetCommands<String, String> sets;

    public PresenceStore(RedisDataSource redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
        this.hashes = redis.hash(String.class);
        this.zsets = redis.sortedSet(String.class);
        this.sets = redis.set(String.class);
    }

    /** Outcome of writing a connection: devices of its user, whether the user came online, whether it was new. */
    public record Touch(long devices, boolean cameOnline, boolean created, boolean refused) {
    }

    /** Outcome of dropping a connection: devices left, whether the user went offline, whether it existed. */
    public record Drop(long devices, boolean wentOffline, boolean removed) {
    }

    /** The user and gateway of a known connection. */
    public record Owner(long userId, String gatewayId) {
    }

    /** One connection of a user on a gateway. */
    public record Connection(String connId, long userId) {
    }

    public Touch touch(String connId, long userId, String gatewayId, long nowMillis) {
        return touchAll(gatewayId, List.of(new Connection(connId, userId)), nowMillis).get(0);
    }

    /** Writes connections of one gateway; the outcomes come in the order given. */
    public List<Touch> touchAll(String gatewayId, List<Connection> connections, long nowMillis) {
        List<Touch> result = new ArrayList<>(connections.size());
        for (int from = 0; from < connections.size(); from += TOUCH_CHUNK) {
            List<Connection> chunk = connections.subList(from, Math.min(connections.size(), from + TOUCH_CHUNK));
            List<String> scriptKeys = new ArrayList<>(5 + 2 * chunk.size());
            scriptKeys.addAll(List.of(ownersKey(), aliveKey(), gatewayKey(gatewayId), keys.online(), closedKey()));
            List<String> args = new ArrayList<>(3 + 2 * chunk.size());
            args.addAll(List.of(gatewayId, String.valueOf(nowMillis), iso(nowMillis)));
            for (Connection c : chunk) {
                scriptKeys.add(keys.route(c.userId()));
                scriptKeys.add(keys.presence(c.userId()));
                args.add(c.connId());
                args.add(String.valueOf(c.userId()));
            }
            Response r = TOUCH.run(redis, scriptKeys, args.toArray(String[]::new));
            for (int i = 0; i < chunk.size(); i++) {
                Response t = r.get(i);
                result.add(new Touch(t.get(0).toLong(), t.get(1).toLong() == 1, t.get(2).toLong() == 1, t.get(3).toLong() == 1));
            }
        }
        return result;
    }

    /**
     * Drops a connection. {@code lastSeenMillis} null keeps the user's last heartbeat as last_seen;
     * {@code staleBefore} non-null drops it only if its last heartbeat is older (a racing heartbeat wins);
     * {@code closed}: the gateway said it is gone, so a late heartbeat must not revive it (an expired
     * one may come back: its gateway was only slow).
     */
    public Drop drop(String connId, Owner owner, long nowMillis, Long lastSeenMillis, Long staleBefore, boolean closed) {
        Response r = DROP.run(redis, connectionKeys(owner.userId(), owner.gatewayId()),
                connId, String.valueOf(owner.userId()), String.valueOf(nowMillis),
                lastSeenMillis == null ? "" : iso(lastSeenMillis), iso(nowMillis),
                staleBefore == null ? "" : String.valueOf(staleBefore), closed ? "1" : "0");
        return new Drop(r.get(0).toLong(), r.get(1).toLong() == 1, r.get(2).toLong() == 1);
    }

    /** Remembers a connection id as closed although nothing is known of it (a close that overtook its register). */
    public void rememberClosed(String connId, long nowMillis) {
        zsets.zadd(closedKey(), nowMillis, connId);
    }

    public Optional<Owner> owner(String connId) {
        return Optional.ofNullable(parseOwner(hashes.hget(ownersKey(), connId)));
    }

    public Map<String, Owner> owners(List<String> connIds) {
        Map<String, Owner> result = new LinkedHashMap<>();
        if (connIds.isEmpty()) {
            return result;
        }
        Map<String, String> raw = hashes.hmget(ownersKey(), connIds.toArray(String[]::new));
        for (String connId : connIds) {
            result.put(connId, parseOwner(raw.get(connId)));
        }
        return result;
    }

    /** Connections whose last heartbeat is older than {@code before}. */
    public List<String> staleConnections(long before, int limit) {
        return zsets.zrangebyscore(aliveKey(), ScoreRange.from(0L, before - 1),
                new ZRangeArgs().limit(0, limit));
    }

    /** Forgets a connection id that has no owner any more (partial data); {@code gatewayId} may be null. */
    public void forget(String connId, String gatewayId) {
        zsets.zrem(aliveKey(), connId);
        if (gatewayId != null) {
            sets.srem(gatewayKey(gatewayId), connId);
        }
    }

    /** Online users whose last activity is older than {@code before}. */
    public List<Long> staleUsers(long before, int limit) {
        return zsets.zrangebyscore(keys.online(), ScoreRange.from(0L, before - 1),
                new ZRangeArgs().limit(0, limit)).stream().map(Long::parseLong).toList();
    }

    public Set<String> gatewayConnections(String gatewayId) {
        return sets.smembers(gatewayKey(gatewayId));
    }

    public boolean login(long userId, long nowMillis) {
        return LOGIN.run(redis, List.of(keys.route(userId), keys.online(), keys.presence(userId)),
                String.valueOf(userId), String.valueOf(nowMillis), iso(nowMillis)).toLong() == 1;
    }

    /** Offline unless a connection remains; with {@code staleBefore}, only if the user's last activity is older. */
    public boolean offline(long userId, long nowMillis, Long lastSeenMillis, Long staleBefore) {
        return OFFLINE.run(redis, List.of(keys.route(userId), keys.online(), keys.presence(userId), aliveKey()),
                String.valueOf(userId), lastSeenMillis == null ? "" : iso(lastSeenMillis), iso(nowMillis),
                staleBefore == null ? "" : String.valueOf(staleBefore), String.valueOf(nowMillis)).toLong() == 1;
    }

    /** Forgets closed connection ids older than {@code before}. */
    public void trimClosed(long before) {
        zsets.zremrangebyscore(closedKey(), ScoreRange.from(0L, before));
    }

    public long onlineCount() {
        return zsets.zcard(keys.online());
    }

    /** Online users, most recently active first. */
    public List<Long> onlinePage(long offset, int count) {
        return zsets.zrange(keys.online(), offset, offset + count - 1, new ZRangeArgs().rev())
                .stream().map(Long::parseLong).toList();
    }

    public List<PresenceState> states(List<Long> userIds) {
        List<PresenceState> result = new ArrayList<>(userIds.size());
        if (userIds.isEmpty()) {
            return result;
        }
        Response r = READ.run(redis, userIds.stream().map(keys::presence).toList());
        for (int i = 0; i < userIds.size(); i++) {
            Response row = r.get(i);
            String status = text(row.get(0));
            String devices = text(row.get(2));
            result.add(new PresenceState(userIds.get(i),
                    PresenceState.ONLINE.equals(status) ? PresenceState.ONLINE : PresenceState.OFFLINE,
                    text(row.get(1)), devices == null ? 0 : Integer.parseInt(devices)));
        }
        return result;
    }

    /** The user's state if it changed since the last push, marking it pushed. */
    public Optional<PresenceState> takeUnpushed(long userId) {
        Response r = TAKE_UNPUSHED.run(redis, List.of(keys.presence(userId)));
        if (r == null || r.size() < 2) {
            return Optional.empty();
        }
        String lastSeen = text(r.get(1));
        return Optional.of(new PresenceState(userId, text(r.get(0)), lastSeen == null || lastSeen.isEmpty() ? null : lastSeen, 0));
    }

    public static String iso(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private List<String> connectionKeys(long userId, String gatewayId) {
        return List.of(keys.route(userId), ownersKey(), aliveKey(), gatewayKey(gatewayId), keys.online(),
                keys.presence(userId), closedKey());
    }

    private static Owner parseOwner(String value) {
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        return new Owner(Long.parseLong(value.substring(0, colon)), value.substring(colon + 1));
    }

    private static String text(Response r) {
        return r == null ? null : r.toString();
    }

    /** connId → "userId:gatewayId" of every known connection. */
    private String ownersKey() {
        return keys.of("im:conn:owners");
    }

    /** connId → last heartbeat (epoch millis). */
    private String aliveKey() {
        return keys.of("im:conn:alive");
    }

    /** connId → when it was closed, for {@code im.presence.closed-memory}. */
    private String closedKey() {
        return keys.of("im:conn:closed");
    }

    /** The connection ids of one gateway. */
    private String gatewayKey(String gatewayId) {
        return keys.of("im:conn:gw:" + gatewayId);
    }
}
