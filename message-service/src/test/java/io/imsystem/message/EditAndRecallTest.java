package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Edits and recalls: changes of a message that keep its id and seq, take the next seq in every
 * participant's timeline, show everywhere the message is shown, and reach every device as frames.
 */
@QuarkusTest
class EditAndRecallTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    @Inject
    DataSource dataSource;

    private FakeGateways gateways;

    @BeforeEach
    void fakeGateways() {
        gateways = new FakeGateways(redis, keys);
    }

    @AfterEach
    void removeKeys() {
        gateways.removeKeys();
    }

    private static int send(long from, long to, String content) {
        return as(from).body(chat(to, content)).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
    }

    private static JsonPath sync(long user, long afterSeq) {
        return as(user).queryParam("after_seq", afterSeq).queryParam("limit", 100).get("/api/v1/messages/sync")
                .then().statusCode(200).extract().jsonPath();
    }

    private static long seqOf(long user, int msgId) {
        List<Map<String, Object>> messages = sync(user, 0).getList("data.messages");
        return messages.stream().filter(m -> ((Number) m.get("id")).intValue() == msgId)
                .map(m -> ((Number) m.get("seq")).longValue()).findFirst().orElseThrow();
    }

    /** Moves a message's send time into the past, as if its window had run out. */
    private void age(int msgId, int minutes) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE messages SET created_at = created_at - INTERVAL ? MINUTE WHERE id = ?")) {
            ps.setInt(1, minutes);
            ps.setInt(2, msgId);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private JsonNode lastFrame(String gateway) throws Exception {
        List<Map<String, String>> entries = gateways.entries(gateway);
        return json.readTree(entries.get(entries.size() - 1).get("frame"));
    }

    private Map<String, String> lastEntry(String gateway) {
        List<Map<String, String>> entries = gateways.entries(gateway);
        return entries.get(entries.size() - 1);
    }

    @Test
    void theSenderEditsAndEveryViewFrameAndSyncFollows() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        send(bob, alice, "earlier, so that the seqs of both sides differ");
        int msg = send(alice, bob, "see you at 7");
        long aliceSeq = seqOf(alice, msg);
        long bobSeq = seqOf(bob, msg);
        // Warm every cache, so that the test also proves they follow.
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].content", equalTo("see you at 7"));
        as(bob).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].last_message", equalTo("see you at 7"));
        as(alice).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].last_message", equalTo("see you at 7"));
        String gw = gateways.create();
        gateways.route(bob, Map.of("conn-b1", gw, "conn-b2", gw));
        gateways.route(alice, Map.of("conn-a1", gw));

        as(bob).body(Map.of("content", "mine now")).put("/api/v1/messages/" + msg).then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        as(carol).body(Map.of("content", "hi")).put("/api/v1/messages/" + msg).then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        as(alice).body(Map.of("content", "   ")).put("/api/v1/messages/" + msg).then().statusCode(400)
                .body("error", equalTo("VALIDATION_FAILED")).body("fields.content", notNullValue());
        as(alice).body(Map.of("content", "x".repeat(5001))).put("/api/v1/messages/" + msg).then().statusCode(400)
                .body("fields.content", notNullValue());
        as(alice).put("/api/v1/messages/" + msg).then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));
        as(alice).body(Map.of("content", "x")).put("/api/v1/messages/" + (msg + 1_000_000)).then().statusCode(404);

        as(alice).body(Map.of("content", " see you at 8 ")).put("/api/v1/messages/" + msg).then().statusCode(200)
                .body("data.id", equalTo(msg))
                .body("data.seq", equalTo((int) aliceSeq))
                .body("data.content", equalTo("see you at 8"))
                .body("data.edited_at", notNullValue())
                .body("data.recalled", equalTo(false));

        for (long user : List.of(alice, bob)) {
            long peer = user == alice ? bob : alice;
            long seq = user == alice ? aliceSeq : bobSeq;
            as(user).get("/api/v1/conversations/" + peer + "/messages").then()
                    .body("data[0].id", equalTo(msg)).body("data[0].seq", equalTo((int) seq))
                    .body("data[0].content", equalTo("see you at 8")).body("data[0].edited_at", notNullValue());
            as(user).get("/api/v1/messages/history?withUserId=" + peer).then().body("data[0].content", equalTo("see you at 8"));
            as(user).get("/api/v1/messages/conversation-list").then()
                    .body("data.conversations[0].last_message", equalTo("see you at 8"))
                    .body("data.conversations[0].last_message_id", equalTo(msg));
            // The edit took the next seq of the user's timeline: sync lists it among the changes.
            JsonPath page = sync(user, seq);
            assertEquals(List.of(), page.getList("data.messages"));
            assertEquals(1, page.getList("data.changes").size());
            assertEquals("edited", page.getString("data.changes[0].type"));
            assertEquals(msg, page.getInt("data.changes[0].msg_id"));
            assertEquals("see you at 8", page.getString("data.changes[0].content"));
            assertEquals(alice, page.getLong("data.changes[0].by"));
            assertEquals(seq + 1, page.getLong("data.changes[0].seq"));
            assertEquals(seq + 1, page.getLong("data.next_seq"));
            assertFalse(page.getBoolean("data.has_more"));
            // From the start, the message shows its content now, the change what happened.
            JsonPath all = sync(user, 0);
            assertEquals("see you at 8", all.getString("data.messages.find { it.id == " + msg + " }.content"));
        }
        as(bob).get("/api/v1/messages/unread").then().body("data.find { it.id == " + msg + " }.content", equalTo("see you at 8"));
        as(bob).get("/api/v1/messages/offline").then().body("data.messages.find { it.id == " + msg + " }.content", equalTo("see you at 8"))
                .body("data.messages.find { it.id == " + msg + " }.edited_at", notNullValue());

        // One frame to every device of both sides, each with that user's seq of the change.
        Map<String, String> entry = lastEntry(gw);
        JsonNode frame = lastFrame(gw);
        assertEquals("edited", frame.get("type").asText());
        assertEquals(msg, frame.get("msg_id").asInt());
        assertEquals("see you at 8", frame.get("content").asText());
        assertEquals(alice, frame.get("by").asLong());
        assertTrue(frame.hasNonNull("edited_at"));
        assertEquals(List.of(String.valueOf(Math.min(alice, bob)), String.valueOf(Math.max(alice, bob))),
                List.of(entry.get("users").split(",")));
        JsonNode seqs = json.readTree(entry.get("seqs"));
        assertEquals(aliceSeq + 1, seqs.get(String.valueOf(alice)).asLong());
        assertEquals(bobSeq + 1, seqs.get(String.valueOf(bob)).asLong());

        // The same content again changes nothing; the next message takes the seq after the change.
        int before = gateways.entries(gw).size();
        as(alice).body(Map.of("content", "see you at 8")).put("/api/v1/messages/" + msg).then().statusCode(200);
        assertEquals(before, gateways.entries(gw).size());
        int next = send(bob, alice, "fine");
        assertEquals(bobSeq + 2, seqOf(bob, next));
        assertEquals(aliceSeq + 2, seqOf(alice, next));
    }

    @Test
    void onlyTextWithinTheWindowCanBeEdited() throws Exception {
        long alice = newUser();
        long bob = newUser();
        int old = send(alice, bob, "yesterday's news");
        age(old, 25 * 60);
        as(alice).body(Map.of("content", "rewritten history")).put("/api/v1/messages/" + old).then().statusCode(403)
                .body("error", equalTo("WINDOW_PASSED"));
        int image = as(alice).body(Map.of("receiver_id", bob, "content", "photo.jpg", "msg_type", "image")).post("/api/v1/messages/send")
                .then().statusCode(200).extract().path("data.id");
        as(alice).body(Map.of("content", "other.jpg")).put("/api/v1/messages/" + image).then().statusCode(403)
                .body("error", equalTo("FORBIDDEN"));
        as(bob).get("/api/v1/messages/history?withUserId=" + alice).then()
                .body("data.content", equalTo(List.of("photo.jpg", "yesterday's news")))
                .body("data.edited_at", equalTo(java.util.Arrays.asList(null, null)));
    }

    @Test
    void aGroupEditTakesASeqInEveryMembersTimelineAndReachesThemAll() throws Exception {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long group = TestGroups.create(owner, List.of(a, b));
        as(b).body(chat(a, "private, so that seqs differ")).post("/api/v1/messages/send").then().statusCode(200);
        int msg = TestGroups.send(a, group, "typo hre");
        String gw = gateways.create();
        gateways.route(owner, Map.of("conn-o", gw));
        gateways.route(b, Map.of("conn-b", gw));

        as(owner).body(Map.of("content", "nope")).put("/api/v1/messages/" + msg).then().statusCode(403);
        as(a).body(Map.of("content", "typo here")).put("/api/v1/messages/" + msg).then().statusCode(200)
                .body("data.group_id", equalTo((int) group)).body("data.content", equalTo("typo here"));

        for (long user : List.of(owner, a, b)) {
            long seq = seqOf(user, msg);
            JsonPath page = sync(user, seq);
            assertEquals(seq + 1, page.getLong("data.changes[0].seq"), "member " + user);
            assertEquals("typo here", page.getString("data.changes[0].content"));
            as(user).get("/api/v1/groups/" + group + "/messages").then().body("data[0].content", equalTo("typo here"))
                    .body("data[0].edited_at", notNullValue());
            as(user).get("/api/v1/messages/conversation-list").then().body("data.conversations.find { it.group_id == " + group
                    + " }.last_message", equalTo("typo here"));
        }
        Map<String, String> entry = lastEntry(gw);
        assertEquals("edited", lastFrame(gw).get("type").asText());
        List<String> users = List.of(entry.get("users").split(","));
        assertTrue(users.contains(String.valueOf(owner)) && users.contains(String.valueOf(b)), users.toString());
    }

    @Test
    void theSenderRecallsAndTheContentIsGoneEverywhere() throws Exception {
        long alice = newUser();
        long bob = newUser();
        int keep = send(alice, bob, "keep this");
        int msg = send(alice, bob, "wrong chat, secret");
        as(alice).body(Map.of("content", "wrong chat, secret!")).put("/api/v1/messages/" + msg).then().statusCode(200);
        long bobSeq = seqOf(bob, msg);
        // Warm the caches.
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].content", equalTo("wrong chat, secret!"));
        as(bob).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].last_message", equalTo("wrong chat, secret!"));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(2));
        String gw = gateways.create();
        gateways.route(bob, Map.of("conn-b", gw));

        as(bob).post("/api/v1/messages/" + msg + "/recall").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        as(newUser()).post("/api/v1/messages/" + msg + "/recall").then().statusCode(404);
        as(alice).post("/api/v1/messages/" + msg + "/recall").then().statusCode(200).body("data", nullValue());

        for (long user : List.of(alice, bob)) {
            long peer = user == alice ? bob : alice;
            as(user).get("/api/v1/conversations/" + peer + "/messages").then()
                    .body("data.id", equalTo(List.of(msg, keep)))
                    .body("data[0].content", equalTo(""))
                    .body("data[0].recalled", equalTo(true))
                    .body("data[1].recalled", equalTo(false));
            as(user).get("/api/v1/messages/history?withUserId=" + peer).then().body("data[0].content", equalTo(""));
            as(user).get("/api/v1/messages/conversation-list").then()
                    .body("data.conversations[0].last_message", equalTo(""))
                    .body("data.conversations[0].last_message_id", equalTo(msg));
        }
        // No longer unread; the cache of the conversation holds no trace of the content.
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
        as(bob).get("/api/v1/messages/unread").then().body("data.id", equalTo(List.of(keep)));
        String cached = String.join("\n", redis.sortedSet(String.class).zrange(
                keys.of("im:msg:conv:" + Math.min(alice, bob) + ":" + Math.max(alice, bob)), 0, -1));
        assertFalse(cached.contains("secret"), cached);
        // Sync: the message as it is now, then the edit (its content wiped) and the recall.
        JsonPath page = sync(bob, bobSeq - 1);
        assertEquals(msg, page.getInt("data.messages[0].id"));
        assertEquals("", page.getString("data.messages[0].content"));
        assertTrue(page.getBoolean("data.messages[0].recalled"));
        assertEquals(List.of("edited", "recalled"), page.getList("data.changes.type"));
        assertEquals("", page.getString("data.changes[0].content"));
        assertEquals(List.of((int) bobSeq + 1, (int) bobSeq + 2), page.getList("data.changes.seq"));
        assertEquals(alice, page.getLong("data.changes[1].by"));
        assertFalse(sync(bob, 0).prettify().contains("secret"));

        JsonNode frame = lastFrame(gw);
        assertEquals("recalled", frame.get("type").asText());
        assertEquals(msg, frame.get("msg_id").asInt());
        assertEquals(alice, frame.get("by").asLong());
        assertTrue(frame.get("timestamp").asLong() > 0);
        assertFalse(frame.has("content"));
        assertEquals(bobSeq + 2, json.readTree(lastEntry(gw).get("seqs")).get(String.valueOf(bob)).asLong());

        // Again: nothing more happens. An edit of a recalled message: 409.
        int before = gateways.entries(gw).size();
        as(alice).post("/api/v1/messages/" + msg + "/recall").then().statusCode(200);
        assertEquals(before, gateways.entries(gw).size());
        as(alice).body(Map.of("content", "back")).put("/api/v1/messages/" + msg).then().statusCode(409).body("error", equalTo("RECALLED"));
    }

    @Test
    void theRecallWindowBindsSendersButNotGroupAdmins() throws Exception {
        long alice = newUser();
        long bob = newUser();
        int late = send(alice, bob, "too late");
        age(late, 3);
        as(alice).post("/api/v1/messages/" + late + "/recall").then().statusCode(403).body("error", equalTo("WINDOW_PASSED"));

        long owner = newUser();
        long admin = newUser();
        long member = newUser();
        long other = newUser();
        long group = TestGroups.create(owner, List.of(admin, member, other));
        as(owner).body(Map.of("role", "admin")).put("/api/v1/groups/" + group + "/members/" + admin).then().statusCode(200);
        int spam = TestGroups.send(member, group, "spam");
        int old = TestGroups.send(member, group, "old spam");
        age(old, 24 * 60);
        as(other).post("/api/v1/messages/" + spam + "/recall").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        as(member).post("/api/v1/messages/" + old + "/recall").then().statusCode(403).body("error", equalTo("WINDOW_PASSED"));
        as(admin).post("/api/v1/messages/" + old + "/recall").then().statusCode(200);
        as(owner).post("/api/v1/messages/" + spam + "/recall").then().statusCode(200);
        as(member).post("/api/v1/messages/" + TestGroups.send(member, group, "oops") + "/recall").then().statusCode(200);

        for (long user : List.of(owner, admin, member, other)) {
            as(user).get("/api/v1/groups/" + group + "/messages").then()
                    .body("data.recalled", equalTo(List.of(true, true, true)))
                    .body("data.content", equalTo(List.of("", "", "")));
            List<String> types = sync(user, 0).getList("data.changes.type");
            assertEquals(List.of("recalled", "recalled", "recalled"), types);
        }
        as(other).get("/api/v1/messages/unread/count").then().body("data.by_group." + group, equalTo(null));
        as(other).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations.find { it.group_id == " + group + " }.unread_count", equalTo(0));
    }
}
