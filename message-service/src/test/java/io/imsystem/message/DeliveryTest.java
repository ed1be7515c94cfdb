package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What message-service writes to the gateway streams (docs/ARCHITECTURE.md, "Streams"). */
@QuarkusTest
class DeliveryTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    private FakeGateways gateways;

    @BeforeEach
    void fakeGateways() {
        gateways = new FakeGateways(redis, keys);
    }

    @AfterEach
    void removeKeys() {
        gateways.removeKeys();
    }

    @Test
    void sendAddsOneDeliverEntryPerGatewayOfReceiverOrSender() throws Exception {
        long alice = newUser();
        long bob = newUser();
        String shared = gateways.create();
        String aliceOnly = gateways.create();
        String nobody = gateways.create();
        gateways.route(bob, Map.of("conn-b1", shared, "conn-b2", shared));
        gateways.route(alice, Map.of("conn-a1", aliceOnly, "conn-a2", shared));

        int msgId = as(alice).header("X-Connection-Id", "conn-a1")
                .body(Map.of("receiver_id", bob, "content", "over the wire", "client_msg_id", "w-1"))
                .post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        int aliceSeq = as(alice).get("/api/v1/messages/sync").then().extract().path("data.messages[0].seq");
        int bobSeq = as(bob).get("/api/v1/messages/sync").then().extract().path("data.messages[0].seq");

        for (String gw : List.of(shared, aliceOnly)) {
            var list = gateways.entries(gw);
            assertEquals(1, list.size(), "one entry for gateway " + gw);
            Map<String, String> f = list.get(0);
            assertEquals("deliver", f.get("type"));
            // Each entry names only the users that gateway holds, with their seqs.
            boolean both = gw.equals(shared);
            assertEquals(both ? bob + "," + alice : String.valueOf(alice), f.get("users"));
            assertEquals("conn-a1", f.get("exclude_conn"));
            JsonNode seqs = json.readTree(f.get("seqs"));
            if (both) {
                assertEquals(bobSeq, seqs.get(String.valueOf(bob)).asInt());
            } else {
                assertFalse(seqs.has(String.valueOf(bob)), "no seq for a user the gateway does not hold");
            }
            assertEquals(aliceSeq, seqs.get(String.valueOf(alice)).asInt());
            JsonNode frame = json.readTree(f.get("frame"));
            assertEquals("chat", frame.get("type").asText());
            assertEquals(msgId, frame.get("msg_id").asInt());
            assertEquals(bobSeq, frame.get("seq").asInt());
            assertEquals(alice, frame.get("from").asLong());
            assertEquals(bob, frame.get("to").asLong());
            assertEquals("over the wire", frame.get("content").asText());
            assertEquals("text", frame.get("msg_type").asText());
            assertEquals("w-1", frame.get("client_msg_id").asText());
            assertTrue(frame.get("timestamp").asLong() > 1_700_000_000L);
            assertFalse(frame.get("offline").asBoolean());
        }
        assertTrue(gateways.entries(nobody).isEmpty());

        // A retry of the same client_msg_id is not delivered again.
        as(alice).body(Map.of("receiver_id", bob, "content", "over the wire", "client_msg_id", "w-1"))
                .post("/api/v1/messages/send").then().statusCode(200).body("data.id", equalTo(msgId));
        assertEquals(1, gateways.entries(shared).size());
    }

    @Test
    void deliveredAcksTellTheSender() throws Exception {
        long alice = newUser();
        long bob = newUser();
        String aliceGw = gateways.create();
        gateways.route(alice, Map.of("conn-a1", aliceGw));
        int m1 = as(alice).body(chat(bob, "one")).post("/api/v1/messages/send").then().extract().path("data.id");
        int m2 = as(alice).body(chat(bob, "two")).post("/api/v1/messages/send").then().extract().path("data.id");

        // Only the receiver can mark; the sender's try changes nothing.
        as(alice).body(Map.of("msg_ids", List.of(m1))).post("/api/v1/messages/delivered")
                .then().statusCode(200).body("data.marked", equalTo(0));
        as(bob).body(Map.of("messageIds", List.of(m1, m2, 999_999_999))).post("/api/v1/messages/delivered")
                .then().statusCode(200).body("data.marked", equalTo(2));
        as(bob).body(Map.of("msg_ids", List.of(m1))).post("/api/v1/messages/delivered")
                .then().statusCode(200).body("data.marked", equalTo(0));
        as(bob).body(Map.of("msg_ids", List.of())).post("/api/v1/messages/delivered")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));

        var list = gateways.entries(aliceGw);
        // Two chat frames (alice's own, for her other devices), then one delivered frame.
        assertEquals(3, list.size());
        // Sent without a client_msg_id: the field is absent, as in a replayed frame, not null.
        assertFalse(json.readTree(list.get(0).get("frame")).has("client_msg_id"));
        Map<String, String> f = list.get(2);
        assertEquals("deliver", f.get("type"));
        assertEquals(String.valueOf(alice), f.get("users"));
        JsonNode frame = json.readTree(f.get("frame"));
        assertEquals("delivered", frame.get("type").asText());
        assertEquals(List.of(m1, m2), json.convertValue(frame.get("msg_ids"), List.class));
        assertEquals(bob, frame.get("to").asLong());
        as(alice).get("/api/v1/messages/sync").then().body("data.messages.status", equalTo(List.of("delivered", "delivered")));
    }
}
