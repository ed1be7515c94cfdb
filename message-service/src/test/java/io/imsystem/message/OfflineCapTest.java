package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One user's offline queue holds the newest MESSAGE_OFFLINE_MAX undelivered messages (100 in tests);
 * what is over the cap is not lost: sync returns it, and once the newer ones are acknowledged the
 * older ones are the queue again.
 */
@QuarkusTest
class OfflineCapTest {

    @Test
    void theQueueHoldsTheNewestAndSyncStillHasEverything() {
        long alice = newUser();
        long bob = newUser();
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            sent.add(as(alice).body(chat(bob, "m" + i)).post("/api/v1/messages/send").then().statusCode(200)
                    .extract().jsonPath().getLong("data.id"));
        }
        JsonPath queue = as(bob).get("/api/v1/messages/offline?limit=100").then().statusCode(200).extract().jsonPath();
        assertEquals(100, queue.getLong("data.total"));
        assertEquals(5, queue.getLong("data.overflow"));
        List<Long> queued = queue.getList("data.messages.id", Long.class);
        assertEquals(sent.subList(5, 105), queued, "the newest 100, oldest first");
        // A page after the last one is empty: the cap is the whole queue.
        long lastSeq = queue.getLong("data.messages[99].seq");
        assertEquals(0, as(bob).get("/api/v1/messages/offline?after_seq=" + lastSeq).then().statusCode(200)
                .extract().jsonPath().getList("data.messages").size());

        // Nothing is lost: sync has all 105.
        List<Long> synced = new ArrayList<>();
        long after = 0;
        boolean more = true;
        while (more) {
            JsonPath page = as(bob).get("/api/v1/messages/sync?after_seq=" + after + "&limit=100").then().statusCode(200)
                    .extract().jsonPath();
            synced.addAll(page.getList("data.messages.id", Long.class));
            after = page.getLong("data.next_seq");
            more = page.getBoolean("data.has_more");
        }
        assertEquals(sent, synced);

        // Once the queued ones are acknowledged, the older five are the queue.
        as(bob).body(Map.of("msg_ids", queued)).post("/api/v1/messages/delivered").then().statusCode(200);
        JsonPath rest = as(bob).get("/api/v1/messages/offline").then().statusCode(200).extract().jsonPath();
        assertEquals(sent.subList(0, 5), rest.getList("data.messages.id", Long.class));
        assertEquals(5, rest.getLong("data.total"));
        assertEquals(0, rest.getLong("data.overflow"));
    }
}
