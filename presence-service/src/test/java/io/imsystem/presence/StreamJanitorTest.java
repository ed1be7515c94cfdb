package io.imsystem.presence;

import static io.imsystem.presence.TestSupport.newConnId;
import static io.imsystem.presence.TestSupport.newGatewayId;
import static io.imsystem.presence.TestSupport.newUserId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.imsystem.presence.service.StreamJanitor;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams stay bounded: acknowledged entries are trimmed and unacknowledged ones kept; the stream of a
 * gateway that is gone (no connection, nothing added for dead-after, 5 s in tests) is deleted, a live
 * one never.
 */
@QuarkusTest
class StreamJanitorTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    StreamJanitor janitor;

    private long length(String stream) {
        return redis.execute("XLEN", stream).toLong();
    }

    private boolean exists(String stream) {
        return redis.key().exists(stream);
    }

    /** Adds n entries; answers their ids. */
    private List<String> add(String stream, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(redis.execute("XADD", stream, "*", "type", "deliver", "frame", "x".repeat(1000)).toString());
        }
        return ids;
    }

    private void read(String stream, String group, int n) {
        redis.execute("XREADGROUP", "GROUP", group, "c1", "COUNT", Integer.toString(n), "STREAMS", stream, ">");
    }

    @Test
    void acknowledgedEntriesAreTrimmedAndPendingOnesKept() {
        String gateway = newGatewayId();
        String stream = keys.gatewayStream(gateway);
        TestSupport.register(newConnId(), newUserId(), gateway).statusCode(200); // a live gateway
        redis.execute("XGROUP", "CREATE", stream, "gateway", "0", "MKSTREAM");
        List<String> ids = add(stream, 10);
        read(stream, "gateway", 10);
        redis.execute("XACK", stream, "gateway", ids.get(0), ids.get(1), ids.get(2), ids.get(3), ids.get(4), ids.get(5));
        janitor.clean();
        assertEquals(4, length(stream), "the four pending entries stay");
        Response first = redis.execute("XRANGE", stream, "-", "+", "COUNT", "1");
        assertEquals(ids.get(6), first.get(0).get(0).toString());
        redis.execute("XACK", stream, "gateway", ids.get(6), ids.get(7), ids.get(8), ids.get(9));
        janitor.clean();
        assertTrue(length(stream) <= 1, "all acknowledged: at most the last delivered entry stays, " + length(stream));
        // Entries not yet read by the group are not trimmed either.
        add(stream, 3);
        janitor.clean();
        assertTrue(length(stream) >= 3);
        assertTrue(exists(stream), "a live gateway's stream stays");
    }

    @Test
    void aStreamReadByTwoGroupsKeepsWhatTheSlowerHasNotAcknowledged() {
        String stream = keys.of("im:test:two-groups:" + newConnId());
        redis.execute("XGROUP", "CREATE", stream, "fast", "0", "MKSTREAM");
        redis.execute("XGROUP", "CREATE", stream, "slow", "0");
        List<String> ids = add(stream, 5);
        read(stream, "fast", 5);
        List<String> ack = new ArrayList<>(List.of(stream, "fast"));
        ack.addAll(ids);
        redis.execute("XACK", ack.toArray(String[]::new));
        read(stream, "slow", 2);
        janitor.trimStream(stream);
        assertEquals(5, length(stream), "slow has 2 pending and 3 unread");
        redis.execute("XACK", stream, "slow", ids.get(0), ids.get(1));
        janitor.trimStream(stream);
        assertEquals(4, length(stream), "slow's last delivered entry and its 3 unread stay");
        redis.key().del(stream);
    }

    @Test
    void theStreamOfAGoneGatewayIsDeletedAndALiveOnesKept() {
        long old = System.currentTimeMillis() - 60_000;
        String gone = keys.gatewayStream(newGatewayId());
        redis.execute("XADD", gone, old + "-0", "type", "deliver", "frame", "{}");
        redis.execute("XGROUP", "CREATE", gone, "gateway", "0");
        String liveGateway = newGatewayId();
        String live = keys.gatewayStream(liveGateway);
        TestSupport.register(newConnId(), newUserId(), liveGateway).statusCode(200);
        redis.execute("XADD", live, old + "-0", "type", "deliver", "frame", "{}");
        String fresh = keys.gatewayStream(newGatewayId());
        add(fresh, 1);
        String neverUsed = keys.gatewayStream(newGatewayId());
        redis.execute("XGROUP", "CREATE", neverUsed, "gateway", "0", "MKSTREAM");
        janitor.clean();
        assertTrue(!exists(gone), "no connection and nothing added for a minute: gone");
        assertTrue(exists(neverUsed), "a gateway that just started and has no socket yet keeps its group");
        assertTrue(exists(live), "a gateway with connections is alive, however old its entries");
        assertTrue(exists(fresh), "something was added just now: not yet");
    }

    @Test
    void aStreamNoGroupReadsKeepsItsEntriesForTheRetention() {
        String stream = keys.of("im:test:no-group:" + newConnId());
        long old = System.currentTimeMillis() - 3 * 3600_000L;
        redis.execute("XADD", stream, old + "-0", "type", "old");
        add(stream, 2);
        janitor.trimStream(stream);
        assertEquals(2, length(stream), "older than the retention (1 h): trimmed");
        redis.key().del(stream);
    }
}
