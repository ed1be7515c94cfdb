package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What group sends and group changes write to the gateway streams: one entry per gateway, naming only its own members. */
@QuarkusTest
class GroupDeliveryTest {

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

    private static String users(long... ids) {
        return java.util.Arrays.stream(ids).sorted().mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    private int seqOf(long user, int msgId) {
        List<Map<String, Object>> messages = as(user).queryParam("limit", 100).get("/api/v1/messages/sync").then().extract().path("data.messages");
        return messages.stream().filter(m -> ((Number) m.get("id")).intValue() == msgId).map(m -> (Integer) m.get("seq")).findFirst().orElseThrow();
    }

    @Test
    void aGroupMessageGivesEachGatewayOneEntryWithOnlyItsMembersAndTheirSeqs() throws Exception {
        long sender = newUser();
        long a = newUser();
        long b = newUser();
        long c = newUser();
        long offline = newUser();
        long group = TestGroups.create(sender, List.of(a, b, c, offline));
        // Seqs differ per member: a has an earlier private message.
        as(b).body(TestUsers.chat(a, "earlier")).post("/api/v1/messages/send").then().statusCode(200);
        String gwA = gateways.create();
        String gwB = gateways.create();
        String nobody = gateways.create();
        gateways.route(sender, Map.of("conn-s1", gwA, "conn-s2", gwB));
        gateways.route(a, Map.of("conn-a1", gwA, "conn-a2", gwA));
        gateways.route(b, Map.of("conn-b1", gwA, "conn-b2", gwB));
        gateways.route(c, Map.of("conn-c1", gwB));
        List<Map<String, String>> beforeA = gateways.entries(gwA);
        List<Map<String, String>> beforeB = gateways.entries(gwB);

        int msgId = as(sender).header("X-Connection-Id", "conn-s1")
                .body(Map.of("group_id", group, "content", "to all", "client_msg_id", "gd-1"))
                .post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");

        List<Map<String, String>> onA = gateways.entries(gwA).subList(beforeA.size(), gateways.entries(gwA).size());
        List<Map<String, String>> onB = gateways.entries(gwB).subList(beforeB.size(), gateways.entries(gwB).size());
        assertEquals(1, onA.size(), "one entry for gateway A");
        assertEquals(1, onB.size(), "one entry for gateway B");
        assertTrue(gateways.entries(nobody).isEmpty());

        Map<String, String> ea = onA.get(0);
        assertEquals("deliver", ea.get("type"));
        assertEquals(users(sender, a, b), ea.get("users"));
        assertEquals("conn-s1", ea.get("exclude_conn"));
        JsonNode seqsA = json.readTree(ea.get("seqs"));
        assertEquals(3, seqsA.size());
        for (long u : List.of(sender, a, b)) {
            assertEquals(seqOf(u, msgId), seqsA.get(String.valueOf(u)).asInt(), "seq of " + u);
        }
        assertEquals(2, seqsA.get(String.valueOf(a)).asInt());
        assertEquals(1, seqsA.get(String.valueOf(sender)).asInt());

        Map<String, String> eb = onB.get(0);
        assertEquals(users(sender, b, c), eb.get("users"));
        JsonNode seqsB = json.readTree(eb.get("seqs"));
        assertEquals(3, seqsB.size());
        assertEquals(seqOf(c, msgId), seqsB.get(String.valueOf(c)).asInt());
        assertFalse(eb.get("users").contains(String.valueOf(offline)));

        JsonNode frame = json.readTree(ea.get("frame"));
        assertEquals("chat", frame.get("type").asText());
        assertEquals(msgId, frame.get("msg_id").asInt());
        assertEquals(sender, frame.get("from").asLong());
        assertEquals(group, frame.get("group_id").asLong());
        assertFalse(frame.has("to"));
        assertEquals("to all", frame.get("content").asText());
        assertEquals("text", frame.get("msg_type").asText());
        assertEquals("gd-1", frame.get("client_msg_id").asText());
        assertTrue(frame.get("timestamp").asLong() > 1_700_000_000L);
        assertFalse(frame.get("offline").asBoolean());
        assertTrue(frame.has("seq"));
        assertEquals(ea.get("frame"), eb.get("frame"), "the same frame; only users and seqs differ");

        // The member who had no connection finds it in the offline queue.
        as(offline).get("/api/v1/messages/offline").then().statusCode(200)
                .body("data.messages.id", org.hamcrest.Matchers.equalTo(List.of(msgId)));
        // A retry is not delivered again.
        as(sender).body(Map.of("group_id", group, "content", "to all", "client_msg_id", "gd-1")).post("/api/v1/messages/send")
                .then().statusCode(200);
        assertEquals(beforeA.size() + 1, gateways.entries(gwA).size());
    }

    @Test
    void membersAcksAndReadsAreNotReportedToTheGroupSender() throws Exception {
        long sender = newUser();
        long a = newUser();
        long group = TestGroups.create(sender, List.of(a));
        String gw = gateways.create();
        gateways.route(sender, Map.of("conn-s", gw));
        int id = TestGroups.send(sender, group, "receipts?");
        as(a).body(Map.of("msg_ids", List.of(id))).post("/api/v1/messages/delivered").then().statusCode(200);
        as(a).put("/api/v1/messages/" + id + "/read").then().statusCode(200);
        as(a).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200);
        List<String> types = new ArrayList<>();
        for (Map<String, String> e : gateways.entries(gw)) {
            types.add(json.readTree(e.get("frame")).get("type").asText());
        }
        // The sender's own chat frame (for the sender's other devices), and no delivered or read frame.
        assertEquals(List.of("chat"), types);
    }

    @Test
    void groupChangesAreToldToMembersAndToWhoLeavesOrIsRemoved() throws Exception {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long joiner = newUser();
        String gw = gateways.create();
        for (long u : List.of(owner, a, b, joiner)) {
            gateways.route(u, Map.of("conn-" + u, gw));
        }
        long group = TestGroups.create(owner, List.of(a, b));
        as(owner).body(Map.of("user_ids", List.of(joiner))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        as(owner).body(Map.of("name", "New name")).put("/api/v1/groups/" + group).then().statusCode(200);
        as(owner).delete("/api/v1/groups/" + group + "/members/" + b).then().statusCode(200);
        as(a).delete("/api/v1/groups/" + group + "/members/" + a).then().statusCode(200);

        List<Map<String, String>> list = gateways.entries(gw);
        assertEquals(5, list.size());
        List<JsonNode> frames = new ArrayList<>();
        for (Map<String, String> e : list) {
            assertEquals("deliver", e.get("type"));
            assertNull(e.get("seqs"));
            JsonNode f = json.readTree(e.get("frame"));
            assertEquals("group", f.get("type").asText());
            assertEquals(group, f.get("group").get("id").asLong());
            assertTrue(f.get("timestamp").asLong() > 1_700_000_000L);
            frames.add(f);
        }
        JsonNode created = frames.get(0);
        assertEquals("created", created.get("event").asText());
        assertEquals(owner, created.get("by").asLong());
        assertEquals(3, created.get("group").get("member_count").asInt());
        assertEquals(owner, created.get("group").get("owner_id").asLong());
        assertEquals("g-" + owner, created.get("group").get("name").asText());
        assertTrue(created.get("group").has("avatar"));
        assertEquals(users(owner, a, b), list.get(0).get("users"));
        assertEquals(users(owner, a, b), ids(created.get("user_ids")));

        assertEquals("joined", frames.get(1).get("event").asText());
        assertEquals(String.valueOf(joiner), ids(frames.get(1).get("user_ids")));
        assertEquals(users(owner, a, b, joiner), list.get(1).get("users"));
        assertEquals(4, frames.get(1).get("group").get("member_count").asInt());

        assertEquals("updated", frames.get(2).get("event").asText());
        assertEquals("New name", frames.get(2).get("group").get("name").asText());

        assertEquals("removed", frames.get(3).get("event").asText());
        assertEquals(String.valueOf(b), ids(frames.get(3).get("user_ids")));
        assertEquals(owner, frames.get(3).get("by").asLong());
        assertEquals(users(owner, a, b, joiner), list.get(3).get("users"), "the removed member is told too");
        assertEquals(3, frames.get(3).get("group").get("member_count").asInt());

        assertEquals("left", frames.get(4).get("event").asText());
        assertEquals(a, frames.get(4).get("by").asLong());
        assertEquals(users(owner, a, joiner), list.get(4).get("users"));
    }

    private static String ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asLong()));
        return ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
    }
}
