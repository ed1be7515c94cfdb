package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Redis caches stay right on every write and are rebuilt from MySQL when Redis lost them. */
@QuarkusTest
class CacheTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    private String conversationKey(long a, long b) {
        return keys.of("im:msg:conv:" + Math.min(a, b) + ":" + Math.max(a, b));
    }

    /** What FLUSHALL would do to this module's keys, without touching other modules' keys in the shared Redis. */
    private void flushOurKeys() {
        List<String> ours = new ArrayList<>();
        for (String k : redis.key().keys(keys.prefix() + "im:msg:*")) {
            ours.add(k);
        }
        if (!ours.isEmpty()) {
            redis.key().del(ours.toArray(String[]::new));
        }
    }

    @Test
    void hotConversationIsCachedAndKeptToTheNewest30() {
        long alice = newUser();
        long bob = newUser();
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(as(alice).body(chat(bob, "m" + i)).post("/api/v1/messages/send").then().extract().path("data.id"));
        }
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data.size()", equalTo(3));
        String key = conversationKey(alice, bob);
        assertEquals(4L, redis.sortedSet(String.class).zcard(key), "3 messages and the 'complete' mark");
        assertTrue(redis.key().ttl(key) > 3000 && redis.key().ttl(key) <= 3600);

        for (int i = 4; i <= 35; i++) {
            ids.add(as(i % 2 == 0 ? bob : alice).body(chat(i % 2 == 0 ? alice : bob, "m" + i)).post("/api/v1/messages/send")
                    .then().extract().path("data.id"));
        }
        assertEquals(30L, redis.sortedSet(String.class).zcard(key), "trimmed to the newest 30, no longer complete");
        // Answers from the cache and beyond it agree with MySQL, each with the reader's own seq.
        List<Integer> page = as(bob).queryParam("page_size", 30).get("/api/v1/conversations/" + alice + "/messages")
                .then().extract().path("data.id");
        List<Integer> expected = new ArrayList<>(ids.subList(5, 35));
        java.util.Collections.reverse(expected);
        assertEquals(expected, page);
        as(bob).queryParam("page", 2).queryParam("page_size", 30).get("/api/v1/conversations/" + alice + "/messages")
                .then().body("data.id", equalTo(List.of(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0))));
        as(alice).queryParam("limit", 1).get("/api/v1/conversations/" + bob + "/messages").then().body("data[0].seq", equalTo(35));
        as(bob).queryParam("limit", 1).get("/api/v1/conversations/" + alice + "/messages").then().body("data[0].seq", equalTo(35));
    }

    @Test
    void readsStayCorrectAfterRedisLostEverything() {
        long alice = newUser();
        long bob = newUser();
        int first = as(alice).body(chat(bob, "one")).post("/api/v1/messages/send").then().extract().path("data.id");
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data.size()", equalTo(1));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
        as(bob).get("/api/v1/messages/conversation-list").then().body("data.total", equalTo(1));

        flushOurKeys();
        int second = as(alice).body(chat(bob, "two")).post("/api/v1/messages/send").then().extract().path("data.id");
        as(bob).put("/api/v1/messages/" + first + "/read").then().statusCode(200);

        flushOurKeys();
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then()
                .body("data.id", equalTo(List.of(second, first)))
                .body("data.status", equalTo(List.of("sent", "read")))
                .body("data.seq", equalTo(List.of(2, 1)));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
        as(bob).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations[0].last_message", equalTo("two"))
                .body("data.conversations[0].unread_count", equalTo(1));
        // and the rebuilt caches are then kept right by the next writes
        as(bob).put("/api/v1/messages/read-all").then().body("data.marked", equalTo(1));
        as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data.status", equalTo(List.of("read", "read")));
        as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(0));
        as(bob).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].unread_count", equalTo(0));
        as(alice).get("/api/v1/conversations/" + bob + "/messages").then().body("data.status", equalTo(List.of("read", "read")));
    }
}
