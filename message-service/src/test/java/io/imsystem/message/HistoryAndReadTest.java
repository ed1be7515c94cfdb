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
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HistoryAndReadTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    private List<Integer> send(long from, long to, int count, String prefix) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(as(from).body(chat(to, prefix + i)).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id"));
        }
        return ids;
    }

    @Test
    void historyPagesNewestFirstAndNeverMarksRead() {
        long alice = newUser();
        long bob = newUser();
        List<Integer> ids = send(alice, bob, 25, "m");
        send(alice, newUser(), 2, "other");

        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().statusCode(200)
                .body("data.size()", equalTo(20))
                .body("data[0].id", equalTo(ids.get(24)))
                .body("data[0].content", equalTo("m25"))
                .body("data[0].seq", equalTo(25))
                .body("data[19].id", equalTo(ids.get(5)));
        as(bob).queryParam("page", 2).queryParam("pageSize", 20).get("/api/v1/conversations/" + alice + "/messages").then()
                .body("data.id", equalTo(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0))));
        as(bob).queryParam("before_id", ids.get(3)).queryParam("limit", 2).get("/api/v1/conversations/" + alice + "/messages").then()
                .body("data.id", equalTo(List.of(ids.get(2), ids.get(1))));
        as(alice).queryParam("withUserId", bob).queryParam("beforeId", ids.get(10)).queryParam("limit", 3)
                .get("/api/v1/messages/history").then().statusCode(200)
                .body("data.id", equalTo(List.of(ids.get(9), ids.get(8), ids.get(7))))
                .body("data[0].seq", equalTo(10));
        // Nothing was marked read by reading.
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(25));
        as(bob).queryParam("mark_read", true).get("/api/v1/conversations/" + alice + "/messages").then()
                .body("data[0].status", equalTo("read")).body("data[0].is_read", equalTo(true));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(0));
    }

    @Test
    void pagingOutOfRangeIsRefused() {
        long bob = newUser();
        String path = "/api/v1/conversations/" + newUser() + "/messages";
        as(bob).queryParam("page", 0).get(path).then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));
        as(bob).queryParam("page_size", 101).get(path).then().statusCode(400);
        as(bob).queryParam("limit", 0).get(path).then().statusCode(400);
        as(bob).queryParam("before_id", -3).get(path).then().statusCode(400);
        as(bob).get("/api/v1/messages/history").then().statusCode(400);
        as(bob).queryParam("limit", 51).get("/api/v1/messages/conversations").then().statusCode(400);
        as(bob).queryParam("limit", 0).get("/api/v1/messages/conversation-list").then().statusCode(400);
    }

    @Test
    void unreadCountsPerPeerAndReadRoutesTellTheSender() throws Exception {
        long alice = newUser();
        long carol = newUser();
        long bob = newUser();
        String gw = "gw-" + UUID.randomUUID();
        redis.hash(String.class).hset(keys.route(alice), Map.of("conn-a", gw));
        try {
            List<Integer> fromAlice = send(alice, bob, 3, "a");
            List<Integer> fromCarol = send(carol, bob, 2, "c");
            send(bob, alice, 1, "b");

            as(bob).get("/api/v1/messages/unread/count").then().statusCode(200)
                    .body("data.unread_count", equalTo(5))
                    .body("data.by_user." + alice, equalTo(3))
                    .body("data.by_user." + carol, equalTo(2));
            as(alice).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
            as(bob).get("/api/v1/messages/unread").then()
                    .body("data.id", equalTo(List.of(fromAlice.get(0), fromAlice.get(1), fromAlice.get(2), fromCarol.get(0), fromCarol.get(1))));

            // single: only the receiver; strangers get 404
            as(alice).put("/api/v1/messages/" + fromAlice.get(0) + "/read").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
            as(newUser()).put("/api/v1/messages/" + fromAlice.get(0) + "/read").then().statusCode(404);
            as(bob).put("/api/v1/messages/999999999/read").then().statusCode(404);
            as(bob).put("/api/v1/messages/" + fromAlice.get(0) + "/read").then().statusCode(200).body("data", equalTo(null));
            as(bob).get("/api/v1/messages/unread/count").then()
                    .body("data.unread_count", equalTo(4)).body("data.by_user." + alice, equalTo(2));

            // by ids: only those of the named peer
            as(bob).body(Map.of("withUserId", alice, "messageIds", List.of(fromAlice.get(1), fromCarol.get(0))))
                    .post("/api/v1/messages/read").then().statusCode(200).body("data.marked", equalTo(1));
            // conversation
            as(bob).put("/api/v1/messages/conversations/" + carol + "/read").then().body("data.marked", equalTo(2));
            as(bob).get("/api/v1/messages/unread/count").then()
                    .body("data.unread_count", equalTo(1)).body("data.by_user." + carol, equalTo(null));
            // all
            as(bob).put("/api/v1/messages/read-all").then().body("data.marked", equalTo(1));
            as(bob).put("/api/v1/messages/read-all").then().body("data.marked", equalTo(0));
            as(bob).get("/api/v1/messages/unread").then().body("data.size()", equalTo(0));
            as(alice).get("/api/v1/messages/history?withUserId=" + bob).then()
                    .body("data.status", equalTo(List.of("sent", "read", "read", "read")));

            // alice was told of each read of her messages, with bob as the reader
            List<List<Integer>> told = new ArrayList<>();
            for (var e : redis.stream(String.class).xrange(keys.gatewayStream(gw), StreamRange.of("-", "+"))) {
                JsonNode frame = json.readTree(e.payload().get("frame"));
                if ("read".equals(frame.get("type").asText())) {
                    assertEquals(bob, frame.get("reader_id").asLong());
                    assertEquals(String.valueOf(alice), e.payload().get("users"));
                    told.add(json.convertValue(frame.get("msg_ids"), List.class));
                }
            }
            assertEquals(List.of(List.of(fromAlice.get(0)), List.of(fromAlice.get(1)), List.of(fromAlice.get(2))), told);
        } finally {
            redis.key().del(keys.route(alice), keys.gatewayStream(gw));
        }
    }

    @Test
    void onlySenderAndReceiverSeeAMessage() {
        long alice = newUser();
        long bob = newUser();
        long eve = newUser();
        int id = as(alice).body(chat(bob, "private")).post("/api/v1/messages/send").then().extract().path("data.id");
        as(eve).delete("/api/v1/messages/" + id).then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        as(eve).put("/api/v1/messages/" + id + "/read").then().statusCode(404);
        as(eve).body(Map.of("messageIds", List.of(id))).post("/api/v1/messages/read").then().body("data.marked", equalTo(0));
        as(eve).body(Map.of("msg_ids", List.of(id))).post("/api/v1/messages/delivered").then().body("data.marked", equalTo(0));
        as(eve).get("/api/v1/conversations/" + alice + "/messages").then().body("data.size()", equalTo(0));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
    }
}
