package io.imsystem.message;

import io.imsystem.common.testing.ServiceTokens;
import io.imsystem.common.security.InternalCredential;
import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DeleteAndConversationsTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    ObjectMapper json;

    private int send(long from, long to, String content) {
        return as(from).body(chat(to, content)).post("/api/v1/messages/send").then().statusCode(200).extract().path("data.id");
    }

    @Test
    void deleteIsSenderOnlyHidesEverywhereAndTellsTheReceiver() throws Exception {
        long alice = newUser();
        long bob = newUser();
        String gw = "gw-" + UUID.randomUUID();
        redis.hash(String.class).hset(keys.route(bob), Map.of("conn-b", gw));
        try {
            int keep = send(alice, bob, "keep");
            int gone = send(alice, bob, "regret");
            // warm the caches, so the test also proves they are corrected
            as(bob).get("/api/v1/conversations/" + alice + "/messages").then().body("data.size()", equalTo(2));
            as(bob).get("/api/v1/messages/conversation-list").then().body("data.conversations[0].last_message", equalTo("regret"));
            as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(2));

            as(bob).delete("/api/v1/messages/" + gone).then().statusCode(403).body("error", equalTo("FORBIDDEN"));
            as(alice).delete("/api/v1/messages/" + gone).then().statusCode(200).body("data", equalTo(null));
            as(alice).delete("/api/v1/messages/" + gone).then().statusCode(404);

            for (long user : List.of(alice, bob)) {
                long peer = user == alice ? bob : alice;
                as(user).get("/api/v1/conversations/" + peer + "/messages").then().body("data.id", equalTo(List.of(keep)));
                as(user).get("/api/v1/messages/history?withUserId=" + peer).then().body("data.id", equalTo(List.of(keep)));
                as(user).get("/api/v1/messages/sync").then().body("data.messages.id", equalTo(List.of(keep)));
                as(user).get("/api/v1/messages/conversation-list").then()
                        .body("data.conversations[0].last_message", equalTo("keep"))
                        .body("data.conversations[0].last_message_id", equalTo(keep));
            }
            as(bob).get("/api/v1/messages/unread").then().body("data.id", equalTo(List.of(keep)));
            as(bob).get("/api/v1/messages/unread/count").then().body("data.unread_count", equalTo(1));
            as(bob).get("/api/v1/messages/offline").then().body("data.messages.id", equalTo(List.of(keep)));
            as(bob).put("/api/v1/messages/" + gone + "/read").then().statusCode(404);

            var entries = redis.stream(String.class).xrange(keys.gatewayStream(gw), StreamRange.of("-", "+"));
            var last = entries.get(entries.size() - 1).payload();
            var frame = json.readTree(last.get("frame"));
            assertEquals("deleted", frame.get("type").asText());
            assertEquals(gone, frame.get("msg_id").asInt());
            assertEquals(alice, frame.get("by").asLong());
            assertTrue(last.get("users").contains(String.valueOf(bob)));
        } finally {
            redis.key().del(keys.route(bob), keys.gatewayStream(gw));
        }
    }

    @Test
    void conversationsArePerPeerNewestFirstWithNamesAndOwnUnread() {
        long me = newUser();
        long p1 = newUser();
        long p2 = newUser();
        long p3 = newUser();
        send(p1, me, "from p1 a");
        send(p1, me, "from p1 b");
        send(p2, me, "from p2");
        send(me, p3, "to p3");
        int newest = send(p1, me, "from p1 c");

        as(me).get("/api/v1/messages/conversations").then().statusCode(200)
                .body("data.user_id", equalTo(List.of(p1, p3, p2)))
                .body("data[0].username", equalTo("user" + p1))
                .body("data[0].nickname", equalTo("Nick " + p1))
                .body("data[0].last_message", equalTo("from p1 c"))
                .body("data[0].last_message_id", equalTo(newest))
                .body("data[0].unread_count", equalTo(3))
                .body("data[1].unread_count", equalTo(0))
                .body("data[2].unread_count", equalTo(1));
        as(me).queryParam("limit", 2).get("/api/v1/messages/conversation-list").then().statusCode(200)
                .body("data.total", equalTo(3))
                .body("data.conversations.user_id", equalTo(List.of(p1, p3)));
        // a new message moves its conversation to the top, and the cached list follows
        send(me, p2, "back to p2");
        as(me).get("/api/v1/messages/conversation-list").then()
                .body("data.conversations.user_id", equalTo(List.of(p2, p1, p3)))
                .body("data.conversations[0].last_message", equalTo("back to p2"));
        as(me).put("/api/v1/messages/conversations/" + p1 + "/read").then().body("data.marked", equalTo(3));
        as(me).get("/api/v1/messages/conversation-list").then().body("data.conversations[1].unread_count", equalTo(0));
    }

    @Test
    void peersAreForServicesOnly() {
        long me = newUser();
        long p1 = newUser();
        long p2 = newUser();
        send(p1, me, "x");
        send(me, p2, "y");
        String presence = InternalCredential.PRESENCE;
        String message = InternalCredential.MESSAGE;
        RestAssured.given().get("/internal/v1/users/" + me + "/peers").then().statusCode(401).body("error", equalTo("UNAUTHORIZED"));
        RestAssured.given().header("X-Service", presence).get("/internal/v1/users/" + me + "/peers").then().statusCode(401);
        RestAssured.given().header(InternalCredential.HEADER, ServiceTokens.forged(presence, message, me))
                .get("/internal/v1/users/" + me + "/peers").then().statusCode(401);
        RestAssured.given().header(InternalCredential.HEADER, ServiceTokens.expired(presence, message, me))
                .get("/internal/v1/users/" + me + "/peers").then().statusCode(401);
        // minted for another user, or by the gateway (which may not ask for anyone's peers)
        RestAssured.given().header(InternalCredential.HEADER, ServiceTokens.of(presence, message, p1))
                .get("/internal/v1/users/" + me + "/peers").then().statusCode(403);
        RestAssured.given().header(InternalCredential.HEADER, ServiceTokens.of(InternalCredential.GATEWAY, message, me))
                .get("/internal/v1/users/" + me + "/peers").then().statusCode(403);
        List<Number> peers = RestAssured.given().header(InternalCredential.HEADER, ServiceTokens.of(presence, message, me))
                .get("/internal/v1/users/" + me + "/peers")
                .then().statusCode(200).extract().path("data");
        assertEquals(List.of(p1, p2), peers.stream().map(Number::longValue).toList());
    }
}
