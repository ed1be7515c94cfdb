package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Mentions: members of a group, or all of them (owner and admins); a mentioned member's conversation is flagged until read. */
@QuarkusTest
class MentionTest {

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

    private static boolean mentioned(long user, long group) {
        Boolean flag = as(user).get("/api/v1/messages/conversation-list").then().statusCode(200).extract()
                .path("data.conversations.find { it.group_id == " + group + " }.mentioned");
        return Boolean.TRUE.equals(flag);
    }

    @Test
    void aMentionedMemberIsFlaggedUntilReadingAndTheFrameNamesThem() throws Exception {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long group = TestGroups.create(owner, List.of(a, b));
        TestGroups.send(owner, group, "hello all");
        String gw = gateways.create();
        gateways.route(b, Map.of("conn-b", gw));
        for (long u : List.of(owner, a, b)) {
            assertEquals(false, mentioned(u, group), "warm, unflagged list of " + u);
        }

        int msg = as(a).body(Map.of("group_id", group, "content", "@b look", "mentions", List.of(b, b))).post("/api/v1/messages/send").then()
                .statusCode(200).body("data.mentions", equalTo(List.of(b))).body("data.mention_all", equalTo(false))
                .extract().path("data.id");
        List<Map<String, String>> entries = gateways.entries(gw);
        JsonNode frame = json.readTree(entries.get(entries.size() - 1).get("frame"));
        assertEquals(msg, frame.get("msg_id").asInt());
        assertEquals(b, frame.get("mentions").get(0).asLong());
        assertEquals(true, mentioned(b, group));
        assertEquals(false, mentioned(owner, group));
        assertEquals(false, mentioned(a, group));
        as(owner).get("/api/v1/groups/" + group + "/messages").then().body("data[0].mentions", equalTo(List.of(b)));

        as(b).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200);
        assertEquals(false, mentioned(b, group));
    }

    @Test
    void mentionAllIsForOwnersAndAdminsAndARecallTakesTheFlagAlong() {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long group = TestGroups.create(owner, List.of(a, b));
        as(a).body(Map.of("group_id", group, "content", "@all", "mention_all", true)).post("/api/v1/messages/send").then()
                .statusCode(403).body("error", equalTo("FORBIDDEN"));
        int all = as(owner).body(Map.of("group_id", group, "content", "meeting now", "mention_all", true)).post("/api/v1/messages/send")
                .then().statusCode(200).body("data.mention_all", equalTo(true)).extract().path("data.id");
        assertEquals(true, mentioned(a, group));
        assertEquals(true, mentioned(b, group));
        assertEquals(false, mentioned(owner, group));
        as(owner).post("/api/v1/messages/" + all + "/recall").then().statusCode(200);
        assertEquals(false, mentioned(a, group));
        assertEquals(false, mentioned(b, group));
    }

    @Test
    void mentionsOfStrangersOrOutsideGroupsAreRefused() {
        long owner = newUser();
        long a = newUser();
        long stranger = newUser();
        long group = TestGroups.create(owner, List.of(a));
        as(owner).body(Map.of("group_id", group, "content", "x", "mentions", List.of(a, stranger))).post("/api/v1/messages/send").then()
                .statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields.mentions", notNullValue());
        as(owner).body(Map.of("receiver_id", a, "content", "x", "mentions", List.of(a))).post("/api/v1/messages/send").then()
                .statusCode(400).body("fields.mentions", notNullValue());
        as(owner).body(Map.of("receiver_id", a, "content", "x", "mention_all", true)).post("/api/v1/messages/send").then()
                .statusCode(400).body("fields.mention_all", notNullValue());
        as(owner).body(Map.of("group_id", group, "content", "x", "mentions", List.of(0))).post("/api/v1/messages/send").then()
                .statusCode(400);
        as(stranger).body(Map.of("group_id", group, "content", "x", "mentions", List.of(a))).post("/api/v1/messages/send").then()
                .statusCode(404);
        as(owner).get("/api/v1/groups/" + group + "/messages").then().body("data", equalTo(List.of()));
    }
}
