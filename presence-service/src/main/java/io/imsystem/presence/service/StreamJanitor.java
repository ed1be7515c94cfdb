package io.imsystem.presence.service;

import io.imsystem.common.redis.Keys;
import io.imsystem.presence.config.PresenceConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Bounds the memory of Redis's streams, which MAXLEN alone does not (a chat entry is up to ~20 KB):
 * <ul>
 * <li>every stream read by consumer groups loses the entries all its groups have acknowledged
 * ({@code XTRIM MINID} up to the oldest entry still pending, or the last one delivered);</li>
 * <li>a stream no group reads keeps its entries for {@code retention};</li>
 * <li>a gateway's stream {@code im:gw:<pod>} is deleted, with its group, once presence lists no
 * connection on that gateway and nothing was added to it for {@code dead-after}: the gateway is gone
 * (killed, or replaced by a rollout under a new name). A live gateway recreates its group on NOGROUP. A
 * stream that never had an entry (a gateway that never held a socket) is left: it holds nothing but its group.</li>
 * </ul>
 * Nothing acknowledged is kept and nothing unacknowledged is trimmed; what a gateway never delivered
 * is still undelivered in MySQL (offline queue, sync).
 */
@ApplicationScoped
public class StreamJanitor {

    private static final Logger LOG = Logger.getLogger(StreamJanitor.class);

    private final RedisDataSource redis;
    private final Keys keys;
    private final PresenceStore store;
    private final PresenceConfig.Janitor config;

    public StreamJanitor(RedisDataSource redis, Keys keys, PresenceStore store, PresenceConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.store = store;
        this.config = config.janitor();
    }

    @Scheduled(every = "${im.presence.janitor.interval:30s}", delayed = "${im.presence.janitor.interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            clean();
        } catch (RuntimeException e) {
            LOG.warnf("stream janitor failed, next run in one interval: %s", e.toString());
        }
    }

    /** One pass over every stream of the system; answers how many entries were trimmed. */
    public long clean() {
        long now = System.currentTimeMillis();
        long trimmed = 0;
        Set<String> streams = new LinkedHashSet<>();
        streams.add(keys.presenceEvents());
        streams.add(keys.messageEvents());
        streams.addAll(gatewayStreams());
        String gatewayPrefix = keys.gatewayStream("");
        for (String stream : streams) {
            if (stream.startsWith(gatewayPrefix) && isDead(stream, stream.substring(gatewayPrefix.length()), now)) {
                redis.key().del(stream);
                LOG.infof("deleted the stream of gone gateway %s", stream.substring(gatewayPrefix.length()));
                continue;
            }
            trimmed += trim(stream, now);
        }
        return trimmed;
    }

    private List<String> gatewayStreams() {
        List<String> found = new ArrayList<>();
        String cursor = "0";
        do {
            Response r = redis.execute("SCAN", cursor, "MATCH", keys.gatewayStream("*"), "COUNT", "1000", "TYPE", "stream");
            cursor = r.get(0).toString();
            for (Response k : r.get(1)) {
                found.add(k.toString());
            }
        } while (!"0".equals(cursor));
        return found;
    }

    /** No connection on that gateway and nothing added for dead-after (or the stream is empty and as old). */
    private boolean isDead(String stream, String gatewayId, long now) {
        if (!store.gatewayConnections(gatewayId).isEmpty()) {
            return false;
        }
        Response info = redis.execute("XINFO", "STREAM", stream);
        if (info == null) {
            return false;
        }
        String lastId = field(info, "last-generated-id").toString();
        if ("0-0".equals(lastId)) {
            // Never had an entry: a gateway that just started (or recreated its group) and has no socket
            // yet. Deleting it would only make the gateway create it again; it holds no entries.
            return false;
        }
        return now - millisOf(lastId) > config.deadAfter().toMillis();
    }

    /** Trims one stream as a pass would; answers how many entries went. */
    public long trimStream(String stream) {
        return trim(stream, System.currentTimeMillis());
    }

    private long trim(String stream, long now) {
        Response groups;
        try {
            groups = redis.execute("XINFO", "GROUPS", stream);
        } catch (RuntimeException e) {
            return 0; // gone meanwhile
        }
        String floor;
        if (groups == null || groups.size() == 0) {
            floor = (now - config.retention().toMillis()) + "-0";
        } else {
            floor = null;
            for (Response g : groups) {
                String keep = field(g, "last-delivered-id").toString();
                if (field(g, "pending").toLong() > 0) {
                    Response pending = redis.execute("XPENDING", stream, field(g, "name").toString());
                    // null when the entries were acknowledged meanwhile: then the last delivered one holds
                    if (pending != null && pending.get(1) != null) {
                        keep = pending.get(1).toString();
                    }
                }
                if (floor == null || compare(keep, floor) < 0) {
                    floor = keep;
                }
            }
        }
        Response n = redis.execute("XTRIM", stream, "MINID", floor);
        return n == null ? 0 : n.toLong();
    }

    /** A field of an XINFO answer: a map (RESP3) or a flat name/value array (RESP2). */
    private static Response field(Response r, String name) {
        if (r.type() != ResponseType.MULTI || r.getKeys() != null && !r.getKeys().isEmpty()) {
            return r.get(name);
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            if (name.equals(r.get(i).toString())) {
                return r.get(i + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + r);
    }

    private static long millisOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    private static int compare(String a, String b) {
        int dashA = a.indexOf('-');
        int dashB = b.indexOf('-');
        int c = Long.compare(Long.parseLong(a.substring(0, dashA)), Long.parseLong(b.substring(0, dashB)));
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(dashA + 1)), Long.parseLong(b.substring(dashB + 1)));
    }
}
