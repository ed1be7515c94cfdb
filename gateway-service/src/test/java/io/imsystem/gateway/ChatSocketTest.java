package io.imsystem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.common.testing.WsTestClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.json.JsonObject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.Claims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat socket against real Redis and real HTTP backends (stubbed presence and message). */
@QuarkusTest
@QuarkusTestResource(BackendStubs.class)
class ChatSocketTest {

    private static final AtomicLong USERS = new AtomicLong(100 + (System.nanoTime() % 1000) * 1000);

    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    MeterRegistry registry;

    Counter slowClosed;

    @BeforeEach
    void reset() {
        ws = URI.create(http.toString().replaceFirst("^http", "ws"));
        BackendStubs.reset();
        slowClosed = registry.counter("im.gateway.connections.closed.slow");
    }

    static String token(long userId, String jti) {
        return Jwt.issuer("im-system").subject(Long.toString(userId)).claim("username", "u" + userId)
                .claim(Claims.jti.name(), jti).expiresIn(600).sign();
    }

    WsTestClient connect(long userId) throws InterruptedException {
        return connect(userId, UUID.randomUUID().toString(), "");
    }

    WsTestClient connect(long userId, String jti, String query) throws InterruptedException {
        int before = BackendStubs.registrations.size();
        WsTestClient socket = WsTestClient.open(ws + "?token=" + token(userId, jti) + query);
        for (int i = 0; i < 500 && BackendStubs.registrations.size() == before; i++) {
            Thread.sleep(20);
        }
        return socket;
    }

    String connectionIdOf(long userId) {
        return BackendStubs.registrations.stream().filter(r -> r.getLong("user_id") == userId)
                .reduce((a, b) -> b).orElseThrow().getString("conn_id");
    }

    void deliver(String frame, Map<String, String> extra) {
        Map<String, String> entry = new HashMap<>(extra);
        entry.put(StreamFields.TYPE, StreamFields.DELIVER);
        entry.put(StreamFields.FRAME, frame);
        redis.stream(String.class).xadd(keys.gatewayStream("gw-test"), entry);
    }

    static String chat(long msgId, long from, long to, String content) {
        return new JsonObject().put("type", "chat").put("msg_id", msgId).put("seq", 0).put("from", from).put("to", to)
                .put("content", content).put("msg_type", "text").put("timestamp", 1).put("offline", false).encode();
    }

    static JsonObject offlineEntry(long id, long seq, long from, long to) {
        return new JsonObject().put("id", id).put("seq", seq).put("sender_id", from).put("receiver_id", to)
                .put("content", "m" + id).put("type", "text").put("msg_type", "text").put("created_at", "2026-11-24T21:58:59Z");
    }

    @Test
    void handshakeWithoutValidTokenIsRefusedWith401() {
        CompletionException e = assertThrows(CompletionException.class, () -> WsTestClient.open(ws.toString()));
        assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        e = assertThrows(CompletionException.class, () -> WsTestClient.open(ws + "?token=garbage"));
        assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        String otherIssuer = Jwt.issuer("someone-else").subject("5").claim(Claims.jti.name(), "x").expiresIn(600).sign();
        e = assertThrows(CompletionException.class, () -> WsTestClient.open(ws + "?token=" + otherIssuer));
        assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void revokedTokenIsRefused() {
        String jti = UUID.randomUUID().toString();
        redis.value(String.class).setex(keys.revoked(jti), 60, "1");
        CompletionException e = assertThrows(CompletionException.class,
                () -> WsTestClient.open(ws + "?token=" + token(USERS.incrementAndGet(), jti)));
        assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void foreignOriginIsRefusedAndAllowedOriginsPass() throws Exception {
        long user = USERS.incrementAndGet();
        String url = ws + "?token=" + token(user, "o1");
        CompletionException e = assertThrows(CompletionException.class, () -> new WsTestClient(URI.create(url),
                HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", "https://evil.example"), true));
        assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        try (WsTestClient ok = new WsTestClient(URI.create(url),
                HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", "http://localhost:8080"), true)) {
            ok.send("{\"type\":\"heartbeat\"}");
            ok.next("heartbeat_ack");
        }
    }

    @Test
    void browserSubprotocolFormsAreAcceptedAndAnswered() throws Exception {
        long user = USERS.incrementAndGet();
        try (WsTestClient s = new WsTestClient(ws, HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("Bearer", token(user, "p1")), true)) {
            assertEquals("Bearer", s.socket.getSubprotocol());
            s.send("{\"type\":\"heartbeat\"}");
            s.next("heartbeat_ack");
        }
    }

    @Test
    void connectionIsRegisteredWithPresenceUnderTheUsersToken() throws Exception {
        long user = USERS.incrementAndGet();
        try (WsTestClient s = connect(user)) {
            JsonObject r = BackendStubs.registrations.get(BackendStubs.registrations.size() - 1);
            assertEquals(user, r.getLong("user_id"));
            assertEquals("gw-test", r.getString("gateway_id"));
            assertEquals("gateway-service", r.getString("x_service"));
            assertTrue(r.getString("authorization").startsWith("Bearer "));
            String connId = r.getString("conn_id");
            s.close();
            for (int i = 0; i < 100 && !BackendStubs.unregistrations.contains(connId); i++) {
                Thread.sleep(20);
            }
            assertTrue(BackendStubs.unregistrations.contains(connId), "closing unregisters the connection");
            assertEquals(user, BackendStubs.unregisteredFor.get(connId), "with a service token minted for its user");
        }
    }

    @Test
    void offlineMessagesArePushedOnConnectThenLiveFramesWithoutDuplicates() throws Exception {
        long user = USERS.incrementAndGet();
        long peer = USERS.incrementAndGet();
        BackendStubs.offline.put(user, List.of(offlineEntry(11, 1, peer, user), offlineEntry(12, 2, peer, user)));
        BackendStubs.offlineDelayMillis = 300;
        try (WsTestClient s = connect(user)) {
            // Arrives while the replay is still running: held back, then merged by seq.
            deliver(chat(13, peer, user, "live"), Map.of(StreamFields.USERS, Long.toString(user), StreamFields.SEQS, "{\"" + user + "\":3}"));
            deliver(chat(12, peer, user, "again"), Map.of(StreamFields.USERS, Long.toString(user), StreamFields.SEQS, "{\"" + user + "\":2}"));
            List<JsonNode> chats = s.drain(1500).stream().filter(f -> "chat".equals(f.path("type").asText())).toList();
            assertEquals(List.of(11L, 12L, 13L), chats.stream().map(f -> f.path("msg_id").asLong()).toList());
            assertTrue(chats.get(0).path("offline").asBoolean());
            assertFalse(chats.get(2).path("offline").asBoolean());
            assertEquals(3, chats.get(2).path("seq").asLong());
        }
    }

    @Test
    void sinceSeqOnConnectResendsWhatTheClientMissed() throws Exception {
        long user = USERS.incrementAndGet();
        long peer = USERS.incrementAndGet();
        BackendStubs.timeline.put(user, List.of(offlineEntry(21, 4, user, peer), offlineEntry(22, 5, peer, user), offlineEntry(23, 6, peer, user)));
        try (WsTestClient s = connect(user, UUID.randomUUID().toString(), "&since_seq=4")) {
            List<Long> seqs = s.drain(800).stream().filter(f -> "chat".equals(f.path("type").asText()))
                    .map(f -> f.path("seq").asLong()).toList();
            assertEquals(List.of(5L, 6L), seqs);
        }
    }

    static JsonObject change(long seq, String type, long msgId) {
        JsonObject c = new JsonObject().put("type", type).put("seq", seq).put("msg_id", msgId).put("by", 1).put("timestamp", 1);
        return "edited".equals(type) ? c.put("content", "edit " + seq).put("edited_at", "2026-11-24T22:00:00Z") : c;
    }

    @Test
    void editsAndRecallsAreReplayedInSeqOrderWithTheMessagesAndPushedOnce() throws Exception {
        long user = USERS.incrementAndGet();
        long peer = USERS.incrementAndGet();
        BackendStubs.timeline.put(user, List.of(
                offlineEntry(41, 5, peer, user).put("reply_to", new JsonObject().put("id", 40).put("sender_id", user).put("excerpt", "q"))
                        .put("edited_at", "2026-11-24T22:00:00Z").put("mentions", List.of()),
                offlineEntry(42, 7, peer, user).put("recalled", true).put("content", "")));
        BackendStubs.changes.put(user, List.of(change(6, "edited", 41), change(8, "recalled", 42)));
        BackendStubs.syncDelayMillis = 300;
        try (WsTestClient s = connect(user, UUID.randomUUID().toString(), "&since_seq=4")) {
            // Live while the replay runs: the recall again (seq 8 for this user), then a new edit (seq 9).
            deliver(change(0, "recalled", 42).encode(), Map.of(StreamFields.USERS, Long.toString(user), StreamFields.SEQS, "{\"" + user + "\":8}"));
            deliver(change(0, "edited", 41).encode(), Map.of(StreamFields.USERS, Long.toString(user), StreamFields.SEQS, "{\"" + user + "\":9}"));
            List<JsonNode> frames = s.drain(1500).stream().filter(f -> List.of("chat", "edited", "recalled").contains(f.path("type").asText()))
                    .toList();
            assertEquals(List.of(5L, 6L, 7L, 8L, 9L), frames.stream().map(f -> f.path("seq").asLong()).toList());
            assertEquals(List.of("chat", "edited", "chat", "recalled", "edited"), frames.stream().map(f -> f.path("type").asText()).toList());
            assertEquals(40, frames.get(0).path("reply_to").path("id").asLong());
            assertEquals("2026-11-24T22:00:00Z", frames.get(0).path("edited_at").asText());
            assertFalse(frames.get(0).has("mentions"), "empty relations are left out, as in a live frame");
            assertTrue(frames.get(2).path("recalled").asBoolean());
            assertEquals("edit 6", frames.get(1).path("content").asText());
            assertEquals(41, frames.get(1).path("msg_id").asLong());
        }
    }

    @Test
    void chatFramesCarryRepliesAndMentionsToMessageService() throws Exception {
        long a = USERS.incrementAndGet();
        try (WsTestClient s = connect(a)) {
            s.send("{\"type\":\"chat\",\"group_id\":9,\"content\":\"@b look\",\"client_msg_id\":\"r-1\",\"reply_to\":41,"
                    + "\"mentions\":[5,6],\"mention_all\":false}");
            s.next("ack");
            JsonObject sent = BackendStubs.sends.get(0);
            assertEquals(41, sent.getLong("reply_to"));
            assertEquals(List.of(5, 6), sent.getJsonArray("mentions").getList());
            assertFalse(sent.getBoolean("mention_all"));
        }
    }

    @Test
    void deliveryGivesEachUserItsOwnSeqAndSkipsTheSendingConnection() throws Exception {
        long a = USERS.incrementAndGet();
        long b = USERS.incrementAndGet();
        try (WsTestClient a1 = connect(a); WsTestClient a2 = connect(a); WsTestClient b1 = connect(b)) {
            String a1Id = BackendStubs.registrations.stream().filter(r -> r.getLong("user_id") == a).findFirst().orElseThrow().getString("conn_id");
            deliver(chat(31, a, b, "hi"), Map.of(StreamFields.USERS, a + "," + b,
                    StreamFields.SEQS, "{\"" + a + "\":5,\"" + b + "\":9}", StreamFields.EXCLUDE_CONN, a1Id));
            assertEquals(9, b1.next("chat").path("seq").asLong());
            assertEquals(5, a2.next("chat").path("seq").asLong());
            assertTrue(a1.drain(500).stream().noneMatch(f -> "chat".equals(f.path("type").asText())), "the sending connection gets an ack, not the chat");
        }
    }

    @Test
    void chatFrameIsSentToMessageServiceAndAcknowledged() throws Exception {
        long a = USERS.incrementAndGet();
        try (WsTestClient s = connect(a)) {
            s.send("{\"type\":\"chat\",\"to\":77,\"content\":\"hello\",\"client_msg_id\":\"c-1\"}");
            JsonNode ack = s.next("ack");
            assertEquals("c-1", ack.path("client_msg_id").asText());
            assertEquals(7, ack.path("seq").asLong());
            JsonObject sent = BackendStubs.sends.get(0);
            assertEquals(77, sent.getLong("receiver_id"));
            assertEquals(connectionIdOf(a), sent.getString("connection"));
            s.send("{\"type\":\"message\",\"payload\":{\"toUserId\":404,\"content\":\"x\",\"msgType\":\"text\"}}");
            JsonNode error = s.next("error");
            assertEquals(404, error.path("code").asInt());
            assertEquals("NOT_FOUND", error.path("error").asText());
            assertEquals("message", error.path("ref").asText());
            s.send("{\"type\":\"ack\",\"msg_ids\":[31,32]}");
            for (int i = 0; i < 100 && BackendStubs.delivered.isEmpty(); i++) {
                Thread.sleep(20);
            }
            assertEquals(List.of(31, 32), BackendStubs.delivered.get(0).getJsonArray("msg_ids").getList());
        }
    }

    @Test
    void callsUnderWayPerSocketAreBoundedAndTheRestAnsweredWith429() throws Exception {
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            // A backend that never answers: the first 32 calls wait, every further frame is refused at once.
            for (int i = 0; i < 35; i++) {
                s.send("{\"type\":\"chat\",\"to\":408,\"content\":\"x\",\"client_msg_id\":\"slow-" + i + "\"}");
                Thread.sleep(40); // under the test's flood limit of 30 frames a second
            }
            List<JsonNode> refused = s.drain(1500).stream().filter(f -> "error".equals(f.path("type").asText())).toList();
            assertEquals(3, refused.size());
            assertEquals(429, refused.get(0).path("code").asInt());
            assertEquals("RATE_LIMITED", refused.get(0).path("error").asText());
            assertEquals("slow-32", refused.get(0).path("ref").asText());
        }
    }

    @Test
    void syncAndTypingFramesCountAgainstTheCallsUnderWayToo() throws Exception {
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            for (int i = 0; i < 32; i++) {
                s.send("{\"type\":\"chat\",\"to\":408,\"content\":\"x\",\"client_msg_id\":\"slow-" + i + "\"}");
                Thread.sleep(40); // under the test's flood limit of 30 frames a second
            }
            s.send("{\"type\":\"sync\",\"since_seq\":0}");
            s.send("{\"type\":\"typing\",\"to\":5}");
            List<JsonNode> refused = s.drain(1500).stream().filter(f -> "error".equals(f.path("type").asText())).toList();
            assertEquals(List.of("sync", "typing"), refused.stream().map(f -> f.path("ref").asText()).toList());
            assertTrue(refused.stream().allMatch(f -> f.path("code").asInt() == 429));
        }
    }

    @Test
    void aSyncReplayStopsPagingOnceItsSocketHasClosed() throws Exception {
        long user = USERS.incrementAndGet();
        long peer = USERS.incrementAndGet();
        List<JsonObject> timeline = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 1000; seq++) {
            timeline.add(offlineEntry(100_000 + seq, seq, peer, user));
        }
        BackendStubs.timeline.put(user, timeline);
        BackendStubs.syncDelayMillis = 150;
        WsTestClient s = connect(user);
        s.send("{\"type\":\"sync\",\"since_seq\":0}");
        s.next("chat"); // the first page arrived: 9 more pages to go
        s.close();
        // Ten pages would take 1.5 s; give the replay twice that to go on if it did.
        Thread.sleep(3000);
        long calls = BackendStubs.syncCalls.get();
        assertTrue(calls < 10, "paging stopped after the close (" + calls + " of 10 pages asked)");
    }

    @Test
    void badFramesGetErrorsAndTheConnectionStaysOpen() throws Exception {
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            s.send("{oops");
            assertEquals("VALIDATION_FAILED", s.next("error").path("error").asText());
            s.send("[1,2]");
            s.next("error");
            s.send("{\"type\":\"teleport\"}");
            assertEquals("teleport", s.next("error").path("ref").asText());
            s.send("{\"type\":\"ack\",\"msg_ids\":\"all\"}");
            assertEquals("ack", s.next("error").path("ref").asText());
            s.send("{\"type\":\"heartbeat\"}");
            s.next("heartbeat_ack");
            assertFalse(s.closeCode.isDone());
        }
    }

    @Test
    void frameOver64KibClosesWith1009() throws Exception {
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            s.send("{\"type\":\"chat\",\"content\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(1009, s.awaitClose());
        }
    }

    @Test
    void aMessageOverTheTransportsLimitClosesWith1009Too() throws Exception {
        // Over quarkus.websockets-next max-message-size (256 KiB), in 64 KiB fragments: Vert.x fails it, not our check.
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            String chunk = "x".repeat(64 * 1024);
            try {
                for (int i = 0; i < 5; i++) {
                    s.socket.sendText(chunk, false).join();
                }
                s.socket.sendText("}", true).join();
            } catch (CompletionException e) {
                // The server may close before the client has sent the rest: that is the point.
            }
            assertEquals(1009, s.awaitClose());
        }
    }

    @Test
    void floodClosesWith1008() throws Exception {
        try (WsTestClient s = connect(USERS.incrementAndGet())) {
            for (int i = 0; i < 100 && !s.closeCode.isDone(); i++) {
                s.socket.sendText("{\"type\":\"heartbeat\"}", true).exceptionally(e -> null).join();
            }
            assertEquals(1008, s.awaitClose());
        }
    }

    @Test
    void clientThatCannotKeepUpIsClosedWith1013() throws Exception {
        long user = USERS.incrementAndGet();
        WsTestClient slow = new WsTestClient(URI.create(ws + "?token=" + token(user, "slow")),
                HttpClient.newHttpClient().newWebSocketBuilder(), false);
        try (slow) {
            for (int i = 0; i < 100 && BackendStubs.registrations.stream().noneMatch(r -> r.getLong("user_id") == user); i++) {
                Thread.sleep(20);
            }
            String connId = connectionIdOf(user);
            double before = slowClosed.count();
            String big = "y".repeat(60_000);
            for (int i = 0; i < 400; i++) {
                deliver(chat(100_000 + i, 1, user, big), Map.of(StreamFields.USERS, Long.toString(user)));
            }
            for (int i = 0; i < 200 && slowClosed.count() == before; i++) {
                Thread.sleep(50);
            }
            assertEquals(before + 1, slowClosed.count(), "closed with 1013 as too slow");
            // It never reads, so it never sees the close frame: the server drops it after the close timeout.
            for (int i = 0; i < 400 && !BackendStubs.unregistrations.contains(connId); i++) {
                Thread.sleep(50);
            }
            assertTrue(BackendStubs.unregistrations.contains(connId), "the slow connection is gone and unregistered");
        }
    }

    @Test
    void closeEntryClosesOnlyTheSocketsOfThatToken() throws Exception {
        long user = USERS.incrementAndGet();
        try (WsTestClient first = connect(user, "jti-a", ""); WsTestClient second = connect(user, "jti-b", "")) {
            redis.stream(String.class).xadd(keys.gatewayStream("gw-test"), Map.of(StreamFields.TYPE, StreamFields.CLOSE,
                    StreamFields.USER, Long.toString(user), StreamFields.JTI, "jti-a", StreamFields.REASON, "logout"));
            assertEquals(4401, first.awaitClose());
            second.send("{\"type\":\"heartbeat\"}");
            second.next("heartbeat_ack");
        }
    }

    @Test
    void closeEntryOfASessionClosesEverySocketOpenedWithAnyTokenOfIt() throws Exception {
        long user = USERS.incrementAndGet();
        String older = Jwt.issuer("im-system").subject(Long.toString(user)).claim("sid", "family-1")
                .claim(Claims.jti.name(), "t-1").expiresIn(600).sign();
        String refreshed = Jwt.issuer("im-system").subject(Long.toString(user)).claim("sid", "family-1")
                .claim(Claims.jti.name(), "t-2").expiresIn(600).sign();
        String otherSession = Jwt.issuer("im-system").subject(Long.toString(user)).claim("sid", "family-2")
                .claim(Claims.jti.name(), "t-3").expiresIn(600).sign();
        try (WsTestClient a = WsTestClient.open(ws + "?token=" + older); WsTestClient b = WsTestClient.open(ws + "?token=" + refreshed);
                WsTestClient other = WsTestClient.open(ws + "?token=" + otherSession)) {
            redis.stream(String.class).xadd(keys.gatewayStream("gw-test"), Map.of(StreamFields.TYPE, StreamFields.CLOSE,
                    StreamFields.USER, Long.toString(user), StreamFields.SESSION, "family-1", StreamFields.JTI, "t-2",
                    StreamFields.REASON, "session revoked"));
            assertEquals(4401, a.awaitClose());
            assertEquals(4401, b.awaitClose());
            other.send("{\"type\":\"heartbeat\"}");
            other.next("heartbeat_ack");
            assertFalse(other.closeCode.isDone());
        }
    }

    @Test
    void framesForAUserThatArriveDuringTheHandshakeReachTheNewSocket() throws Exception {
        long user = USERS.incrementAndGet();
        long peer = USERS.incrementAndGet();
        // The offline fetch of the handshake takes 600 ms: the route exists already, the socket not yet.
        BackendStubs.offlineDelayMillis = 600;
        java.util.concurrent.CompletableFuture<WsTestClient> opening = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> WsTestClient.open(ws + "?token=" + token(user, UUID.randomUUID().toString())));
        for (int i = 0; i < 500 && BackendStubs.registrations.stream().noneMatch(r -> r.getLong("user_id") == user); i++) {
            Thread.sleep(10);
        }
        assertFalse(opening.isDone(), "the handshake is still under way");
        deliver(new JsonObject().put("type", "typing").put("from", peer).put("to", user).encode(),
                Map.of(StreamFields.USERS, Long.toString(user)));
        deliver(chat(77, peer, user, "during the handshake"),
                Map.of(StreamFields.USERS, Long.toString(user), StreamFields.SEQS, "{\"" + user + "\":1}"));
        try (WsTestClient s = opening.get(10, TimeUnit.SECONDS)) {
            assertEquals(peer, s.next("typing").path("from").asLong());
            JsonNode chat = s.next("chat");
            assertEquals(77, chat.path("msg_id").asLong());
            assertFalse(chat.path("offline").asBoolean());
        }
    }

    @Test
    void aUsersSocketsPastTheCapAreClosedWith4429() throws Exception {
        long user = USERS.incrementAndGet();
        List<WsTestClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(connect(user));
            }
            WsTestClient fourth = WsTestClient.open(ws + "?token=" + token(user, UUID.randomUUID().toString()));
            open.add(fourth);
            assertEquals(4429, fourth.awaitClose());
            open.get(1).send("{\"type\":\"heartbeat\"}");
            open.get(1).next("heartbeat_ack");
            // A place frees up once a socket has closed.
            String freed = BackendStubs.registrations.stream().filter(r -> r.getLong("user_id") == user)
                    .map(r -> r.getString("conn_id")).findFirst().orElseThrow();
            open.get(0).close();
            for (int i = 0; i < 250 && !BackendStubs.unregistrations.contains(freed); i++) {
                Thread.sleep(20);
            }
            WsTestClient again = connect(user);
            open.add(again);
            again.send("{\"type\":\"heartbeat\"}");
            again.next("heartbeat_ack");
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    @Test
    void socketClosesWhenItsTokenExpires() throws Exception {
        String shortLived = Jwt.issuer("im-system").subject(Long.toString(USERS.incrementAndGet())).claim(Claims.jti.name(), "short")
                .expiresIn(3).sign();
        try (WsTestClient s = WsTestClient.open(ws + "?token=" + shortLived)) {
            s.send("{\"type\":\"heartbeat\"}");
            s.next("heartbeat_ack");
            assertEquals(1008, s.awaitClose());
        }
    }

    @Test
    void silentSocketIsClosedAfterTheReadTimeout() throws Exception {
        // The JDK client answers the server's pings, so only a client that never reads stays silent.
        long user = USERS.incrementAndGet();
        try (WsTestClient silent = new WsTestClient(URI.create(ws + "?token=" + token(user, "quiet")),
                HttpClient.newHttpClient().newWebSocketBuilder(), false)) {
            for (int i = 0; i < 500 && BackendStubs.registrations.stream().noneMatch(r -> r.getLong("user_id") == user); i++) {
                Thread.sleep(20);
            }
            String connId = connectionIdOf(user);
            for (int i = 0; i < 400 && !BackendStubs.unregistrations.contains(connId); i++) {
                Thread.sleep(50);
            }
            assertTrue(BackendStubs.unregistrations.contains(connId), "closed after 6 s of silence (test read timeout)");
        }
    }

    @Test
    void presenceUnreachableClosesWith1013() throws Exception {
        BackendStubs.presenceDown = true;
        try (WsTestClient s = WsTestClient.open(ws + "?token=" + token(USERS.incrementAndGet(), "down"))) {
            assertEquals(1013, s.awaitClose());
        }
    }

    @Test
    void openConnectionsAreReportedToPresenceInHeartbeatBatches() throws Exception {
        long user = USERS.incrementAndGet();
        try (WsTestClient s = connect(user)) {
            String pair = connectionIdOf(user) + ":" + user;
            boolean seen = false;
            for (int i = 0; i < 60 && !seen; i++) {
                List<StreamMessage<String, String, String>> entries = redis.stream(String.class)
                        .xrange(keys.presenceEvents(), io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"));
                seen = entries.stream().anyMatch(e -> StreamFields.HEARTBEAT.equals(e.payload().get(StreamFields.TYPE))
                        && "gw-test".equals(e.payload().get(StreamFields.GATEWAY))
                        && List.of(e.payload().get(StreamFields.CONNS).split(",")).contains(pair));
                Thread.sleep(100);
            }
            assertTrue(seen, "a heartbeat batch lists " + pair);
            assertNull(s.frames.stream().filter(f -> "error".equals(f.path("type").asText())).findAny().orElse(null));
        }
    }
}
