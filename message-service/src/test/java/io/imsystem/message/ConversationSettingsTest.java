package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pin, mute, archive: the caller's own, shown in the conversation lists, told to the caller's other devices. */
@QuarkusTest
class ConversationSettingsTest {

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

    private static void send(long from, long to, String content) {
        as(from).body(chat(to, content)).post("/api/v1/messages/send").then().statusCode(200);
    }

    @Test
    void pinnedComeFirstMutedStillCountAndOtherDevicesAreTold() throws Exception {
        long me = newUser();
        long old = newUser();
        long newer = newUser();
        long friend = newUser();
        send(old, me, "long ago");
        send(newer, me, "yesterday");
        long group = TestGroups.create(friend, List.of(me));
        TestGroups.send(friend, group, "today");
        // Warm the cached list, so that the test also proves it follows.
        as(me).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].group_id", equalTo((int) group))
                .body("data.conversations[0].pinned", equalTo(false));
        String gw = gateways.create();
        gateways.route(me, Map.of("conn-phone", gw, "conn-laptop", gw));

        as(me).header("X-Connection-Id", "conn-laptop").body(Map.of("pinned", true)).put("/api/v1/messages/conversations/" + old + "/settings")
                .then().statusCode(200).body("data", equalTo(Map.of("pinned", true, "muted", false, "archived", false)));
        Map<String, String> entry = gateways.entries(gw).get(gateways.entries(gw).size() - 1);
        JsonNode frame = json.readTree(entry.get("frame"));
        assertEquals("conversation_settings", frame.get("type").asText());
        assertEquals(old, frame.get("user_id").asLong());
        assertEquals(true, frame.get("pinned").asBoolean());
        assertEquals(String.valueOf(me), entry.get("users"));
        assertEquals("conn-laptop", entry.get("exclude_conn"));

        as(me).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations[0].user_id", equalTo(old)).body("data.conversations[0].pinned", equalTo(true))
                .body("data.conversations[1].group_id", equalTo((int) group)).body("data.conversations[1].pinned", equalTo(false))
                .body("data.conversations[2].user_id", equalTo(newer));

        as(me).body(Map.of("muted", true)).put("/api/v1/messages/groups/" + group + "/settings").then().statusCode(200)
                .body("data", equalTo(Map.of("pinned", false, "muted", true, "archived", false)));
        TestGroups.send(friend, group, "still counted");
        as(me).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations.find { it.group_id == " + group + " }.muted", equalTo(true))
                .body("data.conversations.find { it.group_id == " + group + " }.unread_count", equalTo(2));
        as(me).get("/api/v1/messages/unread/count").then().body("data.by_group." + group, equalTo(2));

        as(me).body(Map.of("archived", true, "pinned", false)).put("/api/v1/messages/conversations/" + old + "/settings").then()
                .statusCode(200).body("data", equalTo(Map.of("pinned", false, "muted", false, "archived", true)));
        as(me).get("/api/v1/messages/conversations").then()
                .body("data[0].group_id", equalTo((int) group))
                .body("data.find { it.user_id == " + old + " }.archived", equalTo(true))
                .body("data.find { it.user_id == " + newer + " }.archived", equalTo(false));
    }

    @Test
    void aPinnedConversationComesFirstHoweverOld() {
        long me = newUser();
        List<Long> peers = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            long p = newUser();
            peers.add(p);
            send(p, me, "m" + i);
        }
        long oldest = peers.get(0);
        as(me).body(Map.of("pinned", true)).put("/api/v1/messages/conversations/" + oldest + "/settings").then().statusCode(200);
        as(me).queryParam("limit", 5).get("/api/v1/messages/conversation-list").then()
                .body("data.total", equalTo(13))
                .body("data.conversations.user_id", equalTo(List.of(oldest, peers.get(12), peers.get(11), peers.get(10), peers.get(9))));
        as(me).queryParam("limit", 50).get("/api/v1/messages/conversations").then()
                .body("data.size()", equalTo(13)).body("data[0].user_id", equalTo(oldest)).body("data[1].user_id", equalTo(peers.get(12)));
    }

    @Test
    void badSettingsAreRefused() {
        long me = newUser();
        long other = newUser();
        long group = TestGroups.create(other, List.of());
        as(me).body(Map.of()).put("/api/v1/messages/conversations/" + other + "/settings").then().statusCode(400)
                .body("error", equalTo("VALIDATION_FAILED"));
        as(me).body(Map.of("pinned", "perhaps")).put("/api/v1/messages/conversations/" + other + "/settings").then().statusCode(400);
        as(me).body(Map.of("pinned", true)).put("/api/v1/messages/conversations/" + me + "/settings").then().statusCode(400);
        as(me).body(Map.of("pinned", true)).put("/api/v1/messages/conversations/" + TestUsers.MISSING + "/settings").then().statusCode(404);
        as(me).body(Map.of("pinned", true)).put("/api/v1/messages/groups/" + group + "/settings").then().statusCode(404);
    }
}
