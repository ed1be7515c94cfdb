package io.imsystem.message.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.LuaScript;
import io.vertx.mutiny.redis.client.Request;
import io.imsystem.message.config.MessageConfig;
import io.imsystem.message.rest.dto.ConversationList;
import io.imsystem.message.rest.dto.UnreadCount;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Redis caches of the original: the newest messages of each conversation (a zset by message id),
 * each user's conversation list and unread counts. MySQL stays the truth: every write bumps a version
 * key and drops or extends what it touches, and a cache is filled from MySQL only if no write bumped the
 * version meanwhile, so a reader can never put back what a writer just made stale. Any Redis failure
 * means "not cached".
 */
@ApplicationScoped
public class MessageCache {

    private static final Logger LOG = Logger.getLogger(MessageCache.class);

    /** Marks a conversation zset that holds the whole conversation (score -1, below every message id). */
    static final String COMPLETE = "complete";

    // KEYS: version, target; ARGV: expected version ('' = none), ttl seconds, then score/member pairs.
    private static final LuaScript FILL_ZSET = new LuaScript("""
            if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[2])
            for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1]) end
            redis.call('EXPIRE', KEYS[2], ARGV[2])
            return 1""");
    // KEYS: version, target; ARGV: expected version, ttl seconds, value.
    private static final LuaScript FILL_VALUE = new LuaScript("""
            if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
            return 1""");
    // KEYS: conversation version, zset, then per participant: user version, conversation list, unread counts.
    // ARGV: max messages, ttl seconds, version ttl, score, member.
    private static final LuaScript ADD_MESSAGE = new LuaScript("""
            for _, v in ipairs({KEYS[1], KEYS[3], KEYS[6]}) do
              redis.call('INCR', v)
              redis.call('EXPIRE', v, ARGV[3])
            end
            redis.call('DEL', KEYS[4], KEYS[5], KEYS[7], KEYS[8])
            if redis.call('EXISTS', KEYS[2]) == 1 then
              redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
              local max = tonumber(ARGV[1])
              local real = redis.call('ZCOUNT', KEYS[2], 0, '+inf')
              if real > max then
                redis.call('ZREMRANGEBYSCORE', KEYS[2], -1, -1)
                redis.call('ZREMRANGEBYRANK', KEYS[2], 0, real - max - 1)
              end
              redis.call('EXPIRE', KEYS[2], ARGV[2])
            end
            return 1""");
    // KEYS: version, then keys to drop; ARGV: version ttl.
    private static final LuaScript INVALIDATE = new LuaScript("""
            redis.call('INCR', KEYS[1])
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
            return 1""");

    // KEYS: per user: version, conversation list, unread counts; ARGV: version ttl.
    private static final LuaScript INVALIDATE_USERS = new LuaScript("""
            for i = 1, #KEYS, 3 do
              redis.call('INCR', KEYS[i])
              redis.call('EXPIRE', KEYS[i], ARGV[1])
              redis.call('DEL', KEYS[i + 1], KEYS[i + 2])
            end
            return 1""");

    private final RedisDataSource redis;
    private final Keys keys;
    private final ObjectMapper json;
    private final MessageConfig.Cache config;

    public MessageCache(RedisDataSource redis, Keys keys, ObjectMapper json, MessageConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.config = config.cache();
    }

    public int maxMessages() {
        return config.maxCachedMessages();
    }

    public int maxConversations() {
        return config.maxCachedConversations();
    }

    /** The cached newest messages of a conversation, newest first, and whether they are all of it. */
    public record Recent(List<CachedMessage> messages, boolean complete) {
    }

    // ---- conversation messages ----

    public String conversationVersion(long a, long b) {
        return version(conversationVersionKey(a, b));
    }

    public Optional<Recent> recent(long a, long b) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        try {
            Response r = redis.execute("ZREVRANGE", conversationKey(a, b), "0", "-1");
            if (r == null || r.size() == 0) {
                return Optional.empty();
            }
            List<CachedMessage> messages = new ArrayList<>(r.size());
            boolean complete = false;
            for (Response member : r) {
                String s = member.toString();
                if (COMPLETE.equals(s)) {
                    complete = true;
                } else {
                    messages.add(json.readValue(s, CachedMessage.class));
                }
            }
            return Optional.of(new Recent(messages, complete));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("conversation cache unreadable: %s", e.toString());
            return Optional.empty();
        }
    }

    /** Fills a conversation's cache with its newest messages (newest first), unless a write came since {@code version}. */
    public void fillRecent(long a, long b, String version, List<CachedMessage> newestFirst, boolean complete) {
        if (!config.enabled() || version == null) {
            return;
        }
        try {
            List<String> args = new ArrayList<>(List.of(version, ttlSeconds()));
            for (CachedMessage m : newestFirst) {
                args.add(String.valueOf(m.id()));
                args.add(json.writeValueAsString(m));
            }
            if (complete) {
                args.add("-1");
                args.add(COMPLETE);
            }
            FILL_ZSET.run(redis, List.of(conversationVersionKey(a, b), conversationKey(a, b)), args);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("conversation cache not filled: %s", e.toString());
        }
    }

    /**
     * Messages were stored (a batch of sends): each private one extends its conversation's cache where
     * it exists, and every participant's lists and counts are dropped; one pipelined round trip for all.
     *
     * @param groupMembers the members of each group message stored
     */
    public void sendsStored(List<CachedMessage> privateMessages, List<Collection<Long>> groupMembers) {
        if (!config.enabled() || (privateMessages.isEmpty() && groupMembers.isEmpty())) {
            return;
        }
        // A batch often holds many sends into one group: each member's caches are dropped once.
        Set<Long> members = new LinkedHashSet<>();
        groupMembers.forEach(members::addAll);
        try {
            List<Request> calls = new ArrayList<>();
            for (CachedMessage m : privateMessages) {
                calls.add(ADD_MESSAGE.call(addMessageKeys(m), addMessageArgs(m)));
            }
            if (!members.isEmpty()) {
                calls.add(INVALIDATE_USERS.call(userKeys(members), List.of(versionTtlSeconds())));
            }
            LuaScript.pipeline(redis.getReactive().getRedis(), calls, ADD_MESSAGE, INVALIDATE_USERS);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("caches not extended after %d sends, dropping them: %s", privateMessages.size() + groupMembers.size(), e.toString());
            for (CachedMessage m : privateMessages) {
                invalidate(conversationVersionKey(m.senderId(), m.receiverId()), conversationKey(m.senderId(), m.receiverId()));
                userChanged(m.senderId());
                userChanged(m.receiverId());
            }
            usersChanged(members);
        }
    }

    private List<String> addMessageKeys(CachedMessage m) {
        long a = m.senderId();
        long b = m.receiverId();
        return List.of(conversationVersionKey(a, b), conversationKey(a, b),
                userVersionKey(a), conversationListKey(a), unreadKey(a),
                userVersionKey(b), conversationListKey(b), unreadKey(b));
    }

    private List<String> addMessageArgs(CachedMessage m) throws JsonProcessingException {
        return List.of(String.valueOf(config.maxCachedMessages()), ttlSeconds(), versionTtlSeconds(),
                String.valueOf(m.id()), json.writeValueAsString(m));
    }

    private List<String> userKeys(Collection<Long> userIds) {
        List<String> out = new ArrayList<>(userIds.size() * 3);
        for (long user : userIds) {
            out.add(userVersionKey(user));
            out.add(conversationListKey(user));
            out.add(unreadKey(user));
        }
        return out;
    }

    /** Messages of the conversation changed (read, delivered, deleted): drop its cache. */
    public void conversationChanged(long a, long b) {
        if (config.enabled()) {
            invalidate(conversationVersionKey(a, b), conversationKey(a, b));
        }
    }

    /** Messages of many conversations changed (a gateway's batch of acks): drops their caches in one round trip. */
    public void conversationsChanged(Collection<List<Long>> pairs) {
        if (!config.enabled() || pairs.isEmpty()) {
            return;
        }
        List<Request> calls = new ArrayList<>(pairs.size());
        for (List<Long> pair : pairs) {
            long a = pair.get(0);
            long b = pair.get(1);
            calls.add(INVALIDATE.call(List.of(conversationVersionKey(a, b), conversationKey(a, b)), List.of(versionTtlSeconds())));
        }
        try {
            LuaScript.pipeline(redis.getReactive().getRedis(), calls, INVALIDATE);
        } catch (RuntimeException e) {
            LOG.errorf("cache invalidation failed for %d conversations: %s", pairs.size(), e.toString());
        }
    }

    // ---- per-user conversation list and unread counts ----

    public String userVersion(long userId) {
        return version(userVersionKey(userId));
    }

    /** The user's conversation list or unread counts changed: drop both. */
    public void userChanged(long userId) {
        if (config.enabled()) {
            invalidate(userVersionKey(userId), conversationListKey(userId), unreadKey(userId));
        }
    }

    /**
     * Many users' conversation lists or unread counts changed (a group message, a renamed group): drops
     * them all in one round trip, so that no member is ever answered from a stale list.
     */
    public void usersChanged(Collection<Long> userIds) {
        if (!config.enabled() || userIds.isEmpty()) {
            return;
        }
        try {
            INVALIDATE_USERS.run(redis, userKeys(userIds), List.of(versionTtlSeconds()));
        } catch (RuntimeException e) {
            LOG.errorf("cache invalidation failed for %d users: %s", userIds.size(), e.toString());
        }
    }

    public Optional<ConversationList> conversationList(long userId) {
        return get(conversationListKey(userId), ConversationList.class);
    }

    public void fillConversationList(long userId, String version, ConversationList list) {
        fill(userVersionKey(userId), conversationListKey(userId), version, list);
    }

    public Optional<UnreadCount> unread(long userId) {
        return get(unreadKey(userId), UnreadCount.class);
    }

    public void fillUnread(long userId, String version, UnreadCount count) {
        fill(userVersionKey(userId), unreadKey(userId), version, count);
    }

    // ---- plumbing ----

    private <T> Optional<T> get(String key, Class<T> type) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        try {
            String value = redis.value(String.class).get(key);
            return value == null ? Optional.empty() : Optional.of(json.readValue(value, type));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("cache %s unreadable: %s", key, e.toString());
            return Optional.empty();
        }
    }

    private void fill(String versionKey, String key, String version, Object value) {
        if (!config.enabled() || version == null) {
            return;
        }
        try {
            FILL_VALUE.run(redis, List.of(versionKey, key), List.of(version, ttlSeconds(), json.writeValueAsString(value)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("cache %s not filled: %s", key, e.toString());
        }
    }

    /** The current version ('' when none), or null when Redis cannot be read (then nothing is filled). */
    private String version(String versionKey) {
        if (!config.enabled()) {
            return null;
        }
        try {
            String v = redis.value(String.class).get(versionKey);
            return v == null ? "" : v;
        } catch (RuntimeException e) {
            LOG.warnf("cache version unreadable: %s", e.toString());
            return null;
        }
    }

    private void invalidate(String versionKey, String... dropped) {
        List<String> keysOf = new ArrayList<>(1 + dropped.length);
        keysOf.add(versionKey);
        keysOf.addAll(List.of(dropped));
        try {
            INVALIDATE.run(redis, keysOf, List.of(versionTtlSeconds()));
        } catch (RuntimeException e) {
            // A stale cache would outlive this write: say so loudly; the TTL bounds it.
            LOG.errorf("cache invalidation failed for %s: %s", versionKey, e.toString());
        }
    }

    private String ttlSeconds() {
        return String.valueOf(Math.max(1, config.messageTtl().toSeconds()));
    }

    private String versionTtlSeconds() {
        return String.valueOf(Math.max(2, config.messageTtl().toSeconds() * 2));
    }

    String conversationKey(long a, long b) {
        return keys.of("im:msg:conv:" + Math.min(a, b) + ":" + Math.max(a, b));
    }

    private String conversationVersionKey(long a, long b) {
        return keys.of("im:msg:ver:conv:" + Math.min(a, b) + ":" + Math.max(a, b));
    }

    private String userVersionKey(long userId) {
        return keys.of("im:msg:ver:user:" + userId);
    }

    String conversationListKey(long userId) {
        return keys.of("im:msg:convlist:" + userId);
    }

    String unreadKey(long userId) {
        return keys.of("im:msg:unread:" + userId);
    }
}
