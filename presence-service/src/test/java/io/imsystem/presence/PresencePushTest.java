package io.imsystem.presence;

import static io.imsystem.presence.TestSupport.eventually;
import static io.imsystem.presence.TestSupport.newConnId;
import static io.imsystem.presence.TestSupport.newGatewayId;
import static io.imsystem.presence.TestSupport.newUserId;
import static io.imsystem.presence.TestSupport.register;
import static io.imsystem.presence.TestSupport.sleep;
import static io.imsystem.presence.TestSupport.unregister;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Presence changes reach the gateways of the user's peers (message-service's peers served by the stub), debounced. */
@QuarkusTest
class PresencePushTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    /** The gateway streams this test wrote to, deleted after it. */
    private final java.util.Set<String> streams = new java.util.HashSet<>();

    @org.junit.jupiter.api.AfterEach
    void deleteGatewayStreams() {
        if (!streams.isEmpty()) {
            redis.key().del(streams.toArray(String[]::new));
        }
    }

    private List<StreamMessage<String, String, String>> entries(String gatewayId) {
        streams.add(keys.gatewayStream(gatewayId));
        return redis.stream(String.class).xrange(keys.gatewayStream(gatewayId), StreamRange.of("-", "+"));
    }

    private JsonNode frame(StreamMessage<String, String, String> entry) {
        try {
            return json.readTree(entry.payload().get("frame"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aUserComingOnlineAndGoingOfflineIsPushedToThePeersGateways() {
        long user = newUserId();
        long peerOnTwo = newUserId();
        long peerOnOne = newUserId();
        long offlinePeer = newUserId();
        String gw1 = newGatewayId();
        String gw2 = newGatewayId();
        register(newConnId(), peerOnTwo, gw1);
        register(newConnId(), peerOnTwo, gw2);
        String peerOnOneConn = newConnId();
        register(peerOnOneConn, peerOnOne, gw1);
        StubUpstreamResource.PEERS.put(user, List.of(peerOnTwo, peerOnOne, offlinePeer));

        String conn = newConnId();
        register(conn, user, newGatewayId());

        eventually(WAIT, () -> {
            assertEquals(1, entries(gw1).size());
            assertEquals(1, entries(gw2).size());
        });
        StreamMessage<String, String, String> onGw1 = entries(gw1).get(0);
        assertEquals("deliver", onGw1.payload().get("type"));
        assertEquals(peerOnTwo + "," + peerOnOne, onGw1.payload().get("users"));
        assertEquals(String.valueOf(peerOnTwo), entries(gw2).get(0).payload().get("users"));
        JsonNode online = frame(onGw1);
        assertEquals("presence", online.get("type").asText());
        assertEquals(user, online.get("user_id").asLong());
        assertEquals("online", online.get("status").asText());
        assertTrue(online.get("last_seen").asText().endsWith("Z"));

        register(peerOnOneConn, peerOnOne, gw1); // keeps the peer's connection alive past the test's short TTL
        unregister(conn);
        eventually(WAIT, () -> assertEquals(2, entries(gw1).size()));
        JsonNode offline = frame(entries(gw1).get(1));
        assertEquals("offline", offline.get("status").asText());
        assertEquals(user, offline.get("user_id").asLong());
        assertTrue(offline.get("last_seen").asText().endsWith("Z"));
    }

    @Test
    void aFlappingConnectionDoesNotFloodThePeers() {
        long user = newUserId();
        long peer = newUserId();
        String peerGw = newGatewayId();
        String peerConn = newConnId();
        register(peerConn, peer, peerGw);
        StubUpstreamResource.PEERS.put(user, List.of(peer));
        String gw = newGatewayId();

        String conn = newConnId();
        register(conn, user, gw);
        eventually(WAIT, () -> assertEquals(1, entries(peerGw).size()));

        // Ten drops and reconnects within a few hundred milliseconds, ending connected.
        for (int i = 0; i < 10; i++) {
            unregister(conn);
            conn = newConnId();
            register(conn, user, gw);
        }
        sleep(1500); // several debounce windows (300 ms in tests)
        assertEquals(1, entries(peerGw).size(), "the peer saw no change: still online");

        // Ten more ending disconnected: exactly one offline frame.
        register(peerConn, peer, peerGw); // keeps the peer's connection alive past the test's short TTL
        for (int i = 0; i < 10; i++) {
            unregister(conn);
            conn = newConnId();
            register(conn, user, gw);
        }
        unregister(conn);
        eventually(WAIT, () -> assertEquals(2, entries(peerGw).size()));
        sleep(1000);
        assertEquals(2, entries(peerGw).size());
        assertEquals("offline", frame(entries(peerGw).get(1)).get("status").asText());
    }
}
