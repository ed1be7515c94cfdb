package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies: a message quotes another of the same conversation that its sender can see. */
@QuarkusTest
class ReplyTest {

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

    private static int send(long from, long to, String content) {
        return as(from).body(chat(to, content)).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
    }

    private static Map<String, Object> reply(long to, String content, Object replyTo) {
        Map<String, Object> body = new HashMap<>(chat(to, content));
        body.put("reply_to", replyTo);
        return body;
    }

    @Test
    void aReplyCarriesAShortQuoteInTheAnswerTheFrameAndHistory() throws Exception {
        long alice = newUser();
        long bob = newUser();
        String question = "when do we meet? " + "long ".repeat(40) + "🎉🎉";
        int q = send(alice, bob, question);
        String gw = gateways.create();
        gateways.route(alice, Map.of("conn-a", gw));

        int r = as(bob).body(reply(alice, "at 8", q)).post("/api/v1/messages/send").then().statusCode(200)
                .body("data.reply_to.id", equalTo(q))
                .body("data.reply_to.sender_id", equalTo(alice))
                .body("data.reply_to.excerpt", equalTo(question.substring(0, 100)))
                .extract().path("data.id");
        List<Map<String, String>> entries = gateways.entries(gw);
        JsonNode frame = json.readTree(entries.get(entries.size() - 1).get("frame"));
        assertEquals("chat", frame.get("type").asText());
        assertEquals(q, frame.get("reply_to").get("id").asInt());
        assertEquals(question.substring(0, 100), frame.get("reply_to").get("excerpt").asText());
        // Twice: from MySQL, then from the cache.
        for (int i = 0; i < 2; i++) {
            for (long user : List.of(alice, bob)) {
                long peer = user == alice ? bob : alice;
                as(user).get("/api/v1/conversations/" + peer + "/messages").then()
                        .body("data[0].id", equalTo(r))
                        .body("data[0].reply_to.excerpt", equalTo(question.substring(0, 100)))
                        .body("data[0].reply_to.sender_id", equalTo(alice))
                        .body("data[1].reply_to", nullValue());
            }
        }
        as(alice).get("/api/v1/messages/sync").then().body("data.messages.find { it.id == " + r + " }.reply_to.id", equalTo(q));
        as(alice).get("/api/v1/messages/offline").then().body("data.messages.find { it.id == " + r + " }.reply_to.id", equalTo(q));

        // The quote follows an edit of the quoted message, and is empty once it is recalled.
        as(alice).body(Map.of("content", "when?")).put("/api/v1/messages/" + q).then().statusCode(200);
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].reply_to.excerpt", equalTo("when?"));
        as(alice).post("/api/v1/messages/" + q + "/recall").then().statusCode(200);
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].reply_to.excerpt", equalTo(""))
                .body("data[0].reply_to.id", equalTo(q));
        as(alice).get("/api/v1/messages/history?withUserId=" + bob).then().body("data[0].reply_to.excerpt", equalTo(""));
        // Replying to a recalled message is still allowed: it quotes nothing.
        as(bob).body(reply(alice, "?", q)).post("/api/v1/messages/send").then().statusCode(200)
                .body("data.reply_to.excerpt", equalTo(""));
    }

    @Test
    void replyingToAMessageOneCannotSeeOrOfAnotherConversationIs404() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        int theirs = send(bob, carol, "between bob and carol");
        int mine = send(alice, carol, "between alice and carol");
        as(alice).body(reply(bob, "x", theirs)).post("/api/v1/messages/send").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        as(alice).body(reply(bob, "x", mine)).post("/api/v1/messages/send").then().statusCode(404);
        as(alice).body(reply(bob, "x", 900_000_000)).post("/api/v1/messages/send").then().statusCode(404);
        as(alice).body(reply(bob, "x", 0)).post("/api/v1/messages/send").then().statusCode(400).body("fields.reply_to", notNullValue());
        as(alice).body(reply(bob, "x", "abc")).post("/api/v1/messages/send").then().statusCode(400);
        long group = TestGroups.create(alice, List.of(carol));
        int inGroup = TestGroups.send(carol, group, "in the group");
        as(alice).body(reply(carol, "x", inGroup)).post("/api/v1/messages/send").then().statusCode(404);
        as(alice).body(Map.of("group_id", group, "content", "x", "reply_to", mine)).post("/api/v1/messages/send").then().statusCode(404);
        as(alice).body(Map.of("group_id", group, "content", "yes", "reply_to", inGroup)).post("/api/v1/messages/send").then()
                .statusCode(200).body("data.reply_to.sender_id", equalTo(carol));
        // Who joins later does not see the earlier messages, so cannot quote them.
        as(alice).body(Map.of("user_ids", List.of(bob))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        as(bob).body(Map.of("group_id", group, "content", "x", "reply_to", inGroup)).post("/api/v1/messages/send").then().statusCode(404);
        as(bob).get("/api/v1/messages/history?withUserId=" + alice).then().body("data", equalTo(List.of()));
    }

    @Test
    void aWebSocketChatFrameCanReplyToo() {
        long alice = newUser();
        long bob = newUser();
        int q = send(alice, bob, "ping");
        Map<String, Object> item = Map.of("op", "chat", "user_id", bob, "conn", "c-1",
                "chat", Map.of("receiver_id", alice, "content", "pong", "client_msg_id", "r-" + q, "reply_to", q));
        Map<String, Object> bad = Map.of("op", "chat", "user_id", bob, "conn", "c-1",
                "chat", Map.of("receiver_id", alice, "content", "pong", "reply_to", q + 1_000_000));
        FrameBatchTest.post(Map.of("items", List.of(item, bad, item))).then().statusCode(200)
                .body("data.results[0].status", equalTo(200))
                .body("data.results[0].data.reply_to.id", equalTo(q))
                .body("data.results[0].data.reply_to.excerpt", equalTo("ping"))
                .body("data.results[1].status", equalTo(404))
                .body("data.results[2].status", equalTo(200))
                .body("data.results[2].data.reply_to.excerpt", equalTo("ping"));
    }
}
