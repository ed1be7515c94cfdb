package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Group read receipts: asked by any member, told to the sender by debounced read frames. */
@QuarkusTest
class ReceiptTest {

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

    /** The read frames the gateway got so far, waiting up to 5 s for one with {@code readCount}. */
    private List<JsonNode> readFramesUntil(String gw, long readCount) throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            frames.clear();
            for (Map<String, String> e : gateways.entries(gw)) {
                JsonNode f = json.readTree(e.get("frame"));
                if ("read".equals(f.get("type").asText())) {
                    frames.add(f);
                }
            }
            if (frames.stream().anyMatch(f -> f.get("read_count").asLong() == readCount)) {
                return frames;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no read frame with read_count " + readCount + " in " + frames);
    }

    @Test
    void membersSeeWhoReadAGroupMessageAndItsSenderIsToldInFewFrames() throws Exception {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long c = newUser();
        long group = TestGroups.create(owner, List.of(a, b, c));
        int first = TestGroups.send(owner, group, "agenda");
        int second = TestGroups.send(owner, group, "minutes");
        String gw = gateways.create();
        gateways.route(owner, Map.of("conn-o", gw));

        as(c).get("/api/v1/messages/" + second + "/receipts").then().statusCode(200)
                .body("data", equalTo(Map.of("member_count", 3, "delivered_count", 0, "read_count", 0, "read_by", List.of())));
        as(a).body(Map.of("msg_ids", List.of(first, second))).post("/api/v1/messages/delivered").then().statusCode(200);
        as(b).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200).body("data.marked", equalTo(2));

        as(c).get("/api/v1/messages/" + second + "/receipts").then().statusCode(200)
                .body("data.member_count", equalTo(3)).body("data.delivered_count", equalTo(2)).body("data.read_count", equalTo(1))
                .body("data.read_by[0].user_id", equalTo(b)).body("data.read_by[0].read_at", notNullValue());
        as(newUser()).get("/api/v1/messages/" + second + "/receipts").then().statusCode(404);

        List<JsonNode> frames = readFramesUntil(gw, 1);
        JsonNode one = frames.get(frames.size() - 1);
        assertEquals(group, one.get("group_id").asLong());
        assertEquals(List.of((long) first, (long) second), List.of(one.get("msg_ids").get(0).asLong(), one.get("msg_ids").get(1).asLong()));
        assertTrue(one.get("timestamp").asLong() > 0);

        // Two more members read at once: the sender hears of it in one frame per count, not one per reader.
        as(a).put("/api/v1/messages/groups/" + group + "/read").then().statusCode(200);
        as(c).put("/api/v1/messages/" + first + "/read").then().statusCode(200);
        as(c).put("/api/v1/messages/" + second + "/read").then().statusCode(200);
        frames = readFramesUntil(gw, 3);
        assertTrue(frames.size() <= 4, frames.toString());
        as(owner).get("/api/v1/messages/" + first + "/receipts").then()
                .body("data.read_count", equalTo(3)).body("data.read_by.user_id", equalTo(List.of(b, a, c)));
    }

    @Test
    void aPrivateMessageAnswersForItsReceiver() {
        long alice = newUser();
        long bob = newUser();
        int msg = as(alice).body(chat(bob, "hi")).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
        as(bob).get("/api/v1/messages/" + msg + "/receipts").then().statusCode(200)
                .body("data.member_count", equalTo(1)).body("data.read_count", equalTo(0));
        as(bob).put("/api/v1/messages/" + msg + "/read").then().statusCode(200);
        as(alice).get("/api/v1/messages/" + msg + "/receipts").then().statusCode(200)
                .body("data.delivered_count", equalTo(1)).body("data.read_count", equalTo(1)).body("data.read_by[0].user_id", equalTo(bob));
    }
}
