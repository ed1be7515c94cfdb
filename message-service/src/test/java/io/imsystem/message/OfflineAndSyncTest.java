package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OfflineAndSyncTest {

    @Test
    void messagesStayInTheOfflineQueueUntilDelivered() {
        long alice = newUser();
        long bob = newUser();
        int m1 = as(alice).body(Map.of("receiver_id", bob, "content", "first", "client_msg_id", "o-1"))
                .post("/api/v1/messages/send").then().extract().path("data.id");
        int m2 = as(alice).body(chat(bob, "second")).post("/api/v1/messages/send").then().extract().path("data.id");
        // bob's own message is not in his offline queue
        as(bob).body(chat(alice, "reply")).post("/api/v1/messages/send").then().statusCode(200);

        as(bob).get("/api/v1/messages/offline").then().statusCode(200)
                .body("data.total", equalTo(2))
                .body("data.messages.id", equalTo(List.of(m1, m2)))
                .body("data.messages[0].sender_id", equalTo(alice))
                .body("data.messages[0].content", equalTo("first"))
                .body("data.messages[0].type", equalTo("text"))
                .body("data.messages[0].msg_type", equalTo("text"))
                .body("data.messages[0].seq", equalTo(1))
                .body("data.messages[0].receiver_id", equalTo(bob))
                .body("data.messages[0].client_msg_id", equalTo("o-1"))
                .body("data.messages[0].created_at", notNullValue());
        as(bob).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(2));
        as(alice).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(1));

        // Paging with after_seq and limit; total stays the whole queue.
        as(bob).queryParam("after_seq", 1).queryParam("limit", 1).get("/api/v1/messages/offline").then()
                .body("data.messages.id", equalTo(List.of(m2))).body("data.total", equalTo(2));

        // Fetching does not deliver: still there.
        as(bob).get("/api/v1/messages/offline").then().body("data.total", equalTo(2));
        as(bob).body(Map.of("msg_ids", List.of(m1))).post("/api/v1/messages/delivered").then().body("data.marked", equalTo(1));
        as(bob).get("/api/v1/messages/offline").then().body("data.messages.id", equalTo(List.of(m2)));
        as(bob).delete("/api/v1/messages/offline").then().statusCode(200).body("code", equalTo(0)).body("data", equalTo(null));
        as(bob).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
        as(alice).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(1));
    }

    @Test
    void concurrentAcksMarkEachMessageOnce() throws Exception {
        long alice = newUser();
        long bob = newUser();
        List<Integer> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(as(alice).body(chat(bob, "ack " + i)).post("/api/v1/messages/send").then().extract().path("data.id"));
        }
        String token = TestUsers.token(bob);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> io.restassured.RestAssured.given().auth().oauth2(token).contentType("application/json")
                        .body(Map.of("msg_ids", ids)).post("/api/v1/messages/delivered").then().statusCode(200)
                        .extract().<Integer>path("data.marked")));
            }
            int total = 0;
            for (var run : runs) {
                total += run.get();
            }
            org.junit.jupiter.api.Assertions.assertEquals(3, total, "every message is marked by exactly one ack");
        } finally {
            pool.shutdownNow();
        }
        as(bob).get("/api/v1/messages/offline/count").then().body("data.count", equalTo(0));
    }

    @Test
    void offlineLimitIsCheckedNotReplaced() {
        long bob = newUser();
        as(bob).queryParam("limit", 0).get("/api/v1/messages/offline").then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));
        as(bob).queryParam("limit", 101).get("/api/v1/messages/offline").then().statusCode(400);
        as(bob).queryParam("limit", 100).get("/api/v1/messages/offline").then().statusCode(200);
        // an empty value is absent (the gateway's first page), garbage is a 400 naming the field
        as(bob).get("/api/v1/messages/offline?after_seq=&limit=100").then().statusCode(200).body("data.total", equalTo(0));
        as(bob).get("/api/v1/messages/offline?limit=ten").then().statusCode(400).body("fields.limit", notNullValue());
        as(bob).get("/api/v1/messages/sync?after_seq=x").then().statusCode(400).body("fields.after_seq", notNullValue());
    }

    @Test
    void syncReturnsExactlyTheMissingMessagesInSeqOrder() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        for (int i = 1; i <= 5; i++) {
            as(i % 2 == 0 ? carol : alice).body(chat(bob, "m" + i)).post("/api/v1/messages/send").then().statusCode(200);
        }
        as(bob).body(chat(alice, "m6")).post("/api/v1/messages/send").then().statusCode(200);

        as(bob).queryParam("after_seq", 0).queryParam("limit", 4).get("/api/v1/messages/sync").then().statusCode(200)
                .body("data.messages.seq", equalTo(List.of(1, 2, 3, 4)))
                .body("data.messages.content", equalTo(List.of("m1", "m2", "m3", "m4")))
                .body("data.next_seq", equalTo(4))
                .body("data.has_more", equalTo(true));
        as(bob).queryParam("after_seq", 4).queryParam("limit", 4).get("/api/v1/messages/sync").then()
                .body("data.messages.seq", equalTo(List.of(5, 6)))
                .body("data.messages[1].sender_id", equalTo(bob))
                .body("data.next_seq", equalTo(6))
                .body("data.has_more", equalTo(false));
        as(bob).queryParam("after_seq", 6).get("/api/v1/messages/sync").then()
                .body("data.messages.size()", equalTo(0)).body("data.next_seq", equalTo(6)).body("data.has_more", equalTo(false));
        // The same message has the sender's own seq in the sender's timeline.
        as(carol).get("/api/v1/messages/sync").then().body("data.messages.seq", equalTo(List.of(1, 2)));
        as(bob).queryParam("after_seq", -1).get("/api/v1/messages/sync").then().statusCode(400);
        as(bob).queryParam("limit", 101).get("/api/v1/messages/sync").then().statusCode(400);
    }
}
