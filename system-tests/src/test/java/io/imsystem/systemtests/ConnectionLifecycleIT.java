package io.imsystem.systemtests;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.bench.Launcher;
import io.imsystem.common.testing.WsTestClient;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A socket is live the moment its client sees the open, and it closes when its session ends
 * (issue 15), across the four packaged services, through the gateway.
 */
class ConnectionLifecycleIT {

    static Launcher system;
    static final HttpClient SOCKETS = HttpClient.newHttpClient();
    static final ExecutorService POOL = Executors.newFixedThreadPool(8);

    record User(long id, String token, String refresh) {
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

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static User register() {
        String name = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JsonPath body = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "correct-horse-9"))
                .when().post("/api/v1/users/register")
                .then().statusCode(200).body("code", equalTo(0)).extract().jsonPath();
        return new User(body.getLong("data.user.id"), body.getString("data.access_token"), body.getString("data.refresh_token"));
    }

    static List<User> register(int n) {
        List<CompletableFuture<User>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(CompletableFuture.supplyAsync(ConnectionLifecycleIT::register, POOL));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    /** Returns once the client has seen the open (the JDK client completes then). */
    static WsTestClient connect(String token) {
        return new WsTestClient(URI.create(system.wsUrl("/ws") + "?token=" + token), SOCKETS.newWebSocketBuilder(), true);
    }

    /** The next frame of that type whose field has that value, or null after 10 s. */
    static JsonNode awaitFrame(WsTestClient s, String type, String field, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode f = s.frames.poll(50, TimeUnit.MILLISECONDS);
            if (f != null && type.equals(f.path("type").asText()) && (field == null || value.equals(f.path(field).asText()))) {
                return f;
            }
        }
        return null;
    }

    @Test
    void framesSentTheMomentBothSocketsOpenAlwaysArriveLive() throws Exception {
        User alice = register();
        User bob = register();
        int rounds = Integer.getInteger("im.lifecycle.rounds", 150);
        int missedTyping = 0;
        int missedChat = 0;
        int markedOffline = 0;
        for (int i = 0; i < rounds; i++) {
            CompletableFuture<WsTestClient> opening = CompletableFuture.supplyAsync(() -> connect(bob.token()), POOL);
            try (WsTestClient a = connect(alice.token()); WsTestClient b = opening.get(10, TimeUnit.SECONDS)) {
                // Both clients have seen the open: send at once, nothing waited for.
                a.send(Map.of("type", "typing", "to", bob.id()));
                a.send(Map.of("type", "chat", "to", bob.id(), "content", "round " + i, "client_msg_id", "live-" + i));
                JsonNode typing = awaitFrame(b, "typing", "from", Long.toString(alice.id()));
                JsonNode chat = awaitFrame(b, "chat", "client_msg_id", "live-" + i);
                if (typing == null) {
                    missedTyping++;
                }
                if (chat == null) {
                    missedChat++;
                } else {
                    if (chat.path("offline").asBoolean()) {
                        markedOffline++;
                    }
                    // Acknowledged, so the offline queue of the next round's socket stays empty.
                    given().contentType(ContentType.JSON).header("Authorization", bob.bearer())
                            .body(Map.of("msg_ids", List.of(chat.path("msg_id").asLong())))
                            .post("/api/v1/messages/delivered").then().statusCode(200);
                }
            }
        }
        assertEquals(0, missedTyping, "typing frames that never reached a socket opened just before, of " + rounds);
        assertEquals(0, missedChat, "chat frames that never reached a socket opened just before, of " + rounds);
        assertEquals(0, markedOffline, "chat frames stored after the open but marked offline, of " + rounds);
    }

    @Test
    void groupMembersWhoHaveJustOpenedTheirSocketsAllGetTheNextGroupMessage() throws Exception {
        List<User> members = register(30);
        User owner = members.get(0);
        long group = given().contentType(ContentType.JSON).header("Authorization", owner.bearer())
                .body(Map.of("name", "live-on-open", "member_ids", members.stream().skip(1).map(User::id).toList()))
                .post("/api/v1/groups").then().statusCode(200).extract().jsonPath().getLong("data.id");
        int rounds = 5;
        int missed = 0;
        int markedOffline = 0;
        for (int r = 0; r < rounds; r++) {
            List<CompletableFuture<WsTestClient>> opening = new ArrayList<>();
            for (User m : members) {
                opening.add(CompletableFuture.supplyAsync(() -> connect(m.token()), POOL));
            }
            List<WsTestClient> sockets = new ArrayList<>();
            try {
                for (CompletableFuture<WsTestClient> o : opening) {
                    sockets.add(o.get(20, TimeUnit.SECONDS));
                }
                String content = "group round " + r;
                long msgId = given().contentType(ContentType.JSON).header("Authorization", owner.bearer())
                        .body(Map.of("group_id", group, "content", content))
                        .post("/api/v1/messages/send").then().statusCode(200).extract().jsonPath().getLong("data.id");
                for (WsTestClient s : sockets) {
                    JsonNode chat = awaitFrame(s, "chat", "msg_id", Long.toString(msgId));
                    if (chat == null) {
                        missed++;
                    } else if (chat.path("offline").asBoolean()) {
                        markedOffline++;
                    }
                }
            } finally {
                sockets.forEach(WsTestClient::close);
            }
        }
        assertEquals(0, missed, "group members' sockets without the message, of " + rounds * members.size());
        assertEquals(0, markedOffline, "group frames stored after the open but marked offline");
    }

    @Test
    void logoutClosesEverySocketOfTheSessionAndNoOther() throws Exception {
        User erin = register();
        JsonPath refreshed = given().contentType(ContentType.JSON).body(Map.of("refresh_token", erin.refresh()))
                .post("/api/v1/auth/refresh").then().statusCode(200).extract().jsonPath();
        String laterToken = refreshed.getString("data.access_token");
        String otherSession = given().contentType(ContentType.JSON)
                .body(Map.of("username", usernameOf(erin), "password", "correct-horse-9"))
                .post("/api/v1/users/login").then().statusCode(200).extract().jsonPath().getString("data.access_token");
        try (WsTestClient older = connect(erin.token()); WsTestClient later = connect(laterToken);
                WsTestClient other = connect(otherSession)) {
            given().header("Authorization", "Bearer " + laterToken).post("/api/v1/users/logout").then().statusCode(200);
            assertEquals(4401, older.closeCode.get(10, TimeUnit.SECONDS), "opened with the token from before the refresh");
            assertEquals(4401, later.closeCode.get(10, TimeUnit.SECONDS));
            assertEquals("logout", later.closeReason.get(1, TimeUnit.SECONDS));
            other.send(Map.of("type", "heartbeat"));
            assertTrue(awaitFrame(other, "heartbeat_ack", null, null) != null, "another session's socket stays");
            assertFalse(other.closeCode.isDone());
        }
    }

    @Test
    void aReusedRefreshTokenClosesTheSocketsOfItsFamily() throws Exception {
        User frank = register();
        String later = given().contentType(ContentType.JSON).body(Map.of("refresh_token", frank.refresh()))
                .post("/api/v1/auth/refresh").then().statusCode(200).extract().jsonPath().getString("data.access_token");
        try (WsTestClient victim = connect(frank.token()); WsTestClient thief = connect(later)) {
            // The spent token comes back: someone copied it. The whole family dies, sockets included.
            given().contentType(ContentType.JSON).body(Map.of("refresh_token", frank.refresh()))
                    .post("/api/v1/auth/refresh").then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
            assertEquals(4401, victim.closeCode.get(10, TimeUnit.SECONDS));
            assertEquals(4401, thief.closeCode.get(10, TimeUnit.SECONDS));
            assertEquals("session revoked", thief.closeReason.get(1, TimeUnit.SECONDS));
        }
    }

    private static String usernameOf(User u) {
        return given().header("Authorization", u.bearer()).get("/api/v1/users/profile").then().statusCode(200)
                .extract().jsonPath().getString("data.username");
    }
}
