package io.imsystem.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.bench.Launcher;
import io.imsystem.common.testing.WsTestClient;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The thinnest real slice of the product, across the four running services, through the gateway only. */
class ChatThroughGatewayIT {

    static Launcher system;

    record User(long id, String username, String token) {
        String bearer() {
            return "Bearer " + token;
        }
    }

    @BeforeAll
    static void start() {
        system = SystemUnderTest.get();
        RestAssured.baseURI = system.gatewayUrl();
        RestAssured.port = system.port("gateway-service");
    }

    static User register() {
        String name = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JsonPath body = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "correct-horse-9"))
                .when().post("/api/v1/users/register")
                .then().statusCode(200).body("code", equalTo(0))
                .extract().jsonPath();
        return new User(body.getLong("data.user.id"), name, body.getString("data.access_token"));
    }

    static JsonPath send(User from, User to, String content) {
        return given().contentType(ContentType.JSON).header("Authorization", from.bearer())
                .body(Map.of("receiver_id", to.id(), "content", content))
                .when().post("/api/v1/messages/send")
                .then().statusCode(200).body("code", equalTo(0)).extract().jsonPath();
    }

    static WsTestClient connect(User user) {
        return WsTestClient.open(system.wsUrl("/ws?token=" + user.token()));
    }

    @Test
    void messageSentOverRestReachesTheReceiversSocket() throws Exception {
        User alice = register();
        User bob = register();
        try (WsTestClient bobSocket = connect(bob)) {
            awaitRouted(bob);
            JsonPath sent = send(alice, bob, "Hello Bob!");
            JsonNode chat = bobSocket.next("chat");
            assertEquals(sent.getLong("data.id"), chat.path("msg_id").asLong());
            assertEquals(alice.id(), chat.path("from").asLong());
            assertEquals(bob.id(), chat.path("to").asLong());
            assertEquals("Hello Bob!", chat.path("content").asText());
            assertEquals(1, chat.path("seq").asLong(), "first message of bob's timeline");
            assertEquals(1, sent.getLong("data.seq"), "first message of alice's timeline");
            assertFalse(chat.path("offline").asBoolean());
            assertTrue(chat.path("timestamp").asLong() > 0);
        }
    }

    @Test
    void offlineReceiverGetsTheMessageOnConnectOnceAndAgainUntilAcknowledged() throws Exception {
        User alice = register();
        User carol = register();
        long id1 = send(alice, carol, "while you were away").getLong("data.id");
        long id2 = send(alice, carol, "and another").getLong("data.id");

        try (WsTestClient first = connect(carol)) {
            JsonNode a = first.next("chat");
            JsonNode b = first.next("chat");
            assertEquals(List.of(id1, id2), List.of(a.path("msg_id").asLong(), b.path("msg_id").asLong()), "oldest first");
            assertTrue(a.path("offline").asBoolean());
            assertTrue(first.drain(700).stream().noneMatch(f -> "chat".equals(f.path("type").asText())),
                    "each message once per connection");
        }
        // Not acknowledged: pushed again on the next connection.
        try (WsTestClient second = connect(carol)) {
            assertEquals(id1, second.next("chat").path("msg_id").asLong());
            assertEquals(id2, second.next("chat").path("msg_id").asLong());
            second.send(Map.of("type", "ack", "msg_ids", List.of(id1, id2)));
            second.drain(500);
        }
        given().header("Authorization", carol.bearer()).get("/api/v1/messages/offline/count")
                .then().statusCode(200).body("data.count", equalTo(0));
        try (WsTestClient third = connect(carol)) {
            assertTrue(third.drain(1000).stream().noneMatch(f -> "chat".equals(f.path("type").asText())),
                    "acknowledged messages are not pushed again");
        }
    }

    @Test
    void chatFrameIsAcknowledgedAndDeliveredAndTheSenderIsToldOfDelivery() throws Exception {
        User alice = register();
        User bob = register();
        try (WsTestClient aliceSocket = connect(alice); WsTestClient bobSocket = connect(bob)) {
            awaitRouted(bob);
            aliceSocket.send(Map.of("type", "chat", "to", bob.id(), "content", "hi over ws", "client_msg_id", "c-1"));
            JsonNode ack = aliceSocket.next("ack");
            assertEquals("c-1", ack.path("client_msg_id").asText());
            assertEquals(1, ack.path("seq").asLong());
            JsonNode chat = bobSocket.next("chat");
            assertEquals(ack.path("msg_id").asLong(), chat.path("msg_id").asLong());
            assertEquals("c-1", chat.path("client_msg_id").asText());

            bobSocket.send(Map.of("type", "ack", "msg_ids", List.of(chat.path("msg_id").asLong())));
            JsonNode delivered = aliceSocket.next("delivered");
            assertEquals(chat.path("msg_id").asLong(), delivered.path("msg_ids").path(0).asLong());
        }
    }

    @Test
    void chatFramesSentBackToBackAreStoredAndDeliveredInSendOrder() throws Exception {
        User alice = register();
        User bob = register();
        try (WsTestClient aliceSocket = connect(alice); WsTestClient bobSocket = connect(bob)) {
            awaitRouted(bob);
            int n = 20;
            for (int i = 0; i < n; i++) {
                aliceSocket.send(Map.of("type", "chat", "to", bob.id(), "content", "in order " + i, "client_msg_id", "o-" + i));
            }
            long lastAckSeq = 0;
            for (int i = 0; i < n; i++) {
                JsonNode ack = aliceSocket.next("ack");
                assertEquals("o-" + i, ack.path("client_msg_id").asText(), "acks come in send order");
                assertTrue(ack.path("seq").asLong() > lastAckSeq, "the sender's seqs follow the send order");
                lastAckSeq = ack.path("seq").asLong();
            }
            long lastSeq = 0;
            for (int i = 0; i < n; i++) {
                JsonNode chat = bobSocket.next("chat");
                assertEquals("in order " + i, chat.path("content").asText(), "the receiver sees the sender's order");
                assertEquals(lastSeq + 1, chat.path("seq").asLong(), "the receiver's seqs rise by one, frame after frame");
                lastSeq = chat.path("seq").asLong();
            }
        }
    }

    @Test
    void bigFramesOfSomeSocketsDoNotMakeOthersFramesFail() throws Exception {
        User bob = register();
        User carol = register();
        List<User> senders = new java.util.ArrayList<>();
        for (int i = 0; i < 48; i++) {
            senders.add(register());
        }
        List<WsTestClient> sockets = new java.util.ArrayList<>();
        try (WsTestClient carolSocket = connect(carol)) {
            for (User u : senders) {
                sockets.add(connect(u));
            }
            awaitRouted(senders.get(senders.size() - 1));
            // 48 frames of ~60 KB at once: together far over the 1 MiB a call to message-service may carry.
            String big = "x".repeat(60_000);
            for (int i = 0; i < sockets.size(); i++) {
                sockets.get(i).send(Map.of("type", "chat", "to", bob.id(), "content", big, "client_msg_id", "big-" + i));
            }
            carolSocket.send(Map.of("type", "chat", "to", bob.id(), "content", "small and fine", "client_msg_id", "small-1"));
            assertEquals("small-1", carolSocket.next("ack").path("client_msg_id").asText(), "a normal frame beside them is stored");
            for (WsTestClient s : sockets) {
                JsonNode error = s.next("error");
                assertEquals(400, error.path("code").asInt(), "each big frame gets its own answer (content too long), not a 503: " + error);
                assertEquals("VALIDATION_FAILED", error.path("error").asText());
            }
        } finally {
            sockets.forEach(WsTestClient::close);
        }
    }

    @Test
    void badFramesGetErrorFramesAndTheConnectionStaysOpen() throws Exception {
        User dave = register();
        try (WsTestClient socket = connect(dave)) {
            socket.send("{not json");
            assertEquals("VALIDATION_FAILED", socket.next("error").path("error").asText());
            socket.send(Map.of("type", "nonsense"));
            assertEquals("nonsense", socket.next("error").path("ref").asText());
            socket.send(Map.of("type", "chat", "to", 999_999_999L, "content", "x", "client_msg_id", "c-9"));
            JsonNode error = socket.next("error");
            assertEquals(404, error.path("code").asInt());
            assertEquals("c-9", error.path("ref").asText());
            socket.send(Map.of("type", "heartbeat"));
            assertTrue(socket.next("heartbeat_ack").path("timestamp").asLong() > 0);
        }
    }

    @Test
    void socketWithoutValidTokenIsRefusedBeforeUpgrade() {
        given().header("Connection", "Upgrade").header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .when().get("/ws?token=not-a-jwt")
                .then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
    }

    @Test
    void logoutRevokesTheTokenEverywhereAndClosesItsSockets() throws Exception {
        User erin = register();
        try (WsTestClient socket = connect(erin)) {
            awaitRouted(erin);
            given().header("Authorization", erin.bearer()).post("/api/v1/users/logout").then().statusCode(200);
            assertEquals(4401, socket.closeCode.get(10, TimeUnit.SECONDS), "session ended");
        }
        given().header("Authorization", erin.bearer()).get("/api/v1/users/profile")
                .then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
        given().header("Authorization", erin.bearer()).get("/api/v1/messages/unread/count")
                .then().statusCode(401);
    }

    @Test
    void errorsComeInTheEnvelopeWithTheirRealStatus() {
        given().get("/api/v1/no-such-route").then().statusCode(404).body("code", equalTo(404)).body("error", equalTo("NOT_FOUND"))
                .header("X-Request-Id", notNullValue());
        given().get("/internal/v1/users?ids=1").then().statusCode(404);
        given().header("X-Request-Id", "trace-123").get("/api/v1/users/profile")
                .then().statusCode(401).header("X-Request-Id", "trace-123");
        given().get("/health").then().statusCode(200).body("data.status", equalTo("ok"))
                .body("data.checks.redis", equalTo("ok")).body("data.checks.database", equalTo("ok"));
    }

    /** Waits until presence has written the user's route, i.e. the socket can be delivered to. */
    static void awaitRouted(User user) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            boolean online = given().header("Authorization", user.bearer()).get("/api/v1/users/online/" + user.id())
                    .then().extract().jsonPath().getBoolean("data.connected");
            if (online) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("user " + user.id() + " never became connected");
    }
}
