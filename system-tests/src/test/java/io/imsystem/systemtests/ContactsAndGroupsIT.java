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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Friends, blocks and groups across the four running services and two gateways: frames reach the
 * other side, a block stores nothing, a 500-member group is one deliver entry per gateway, and
 * membership changes take effect while messages flow.
 */
class ContactsAndGroupsIT {

    static Launcher system;
    static String secondGateway;
    static final HttpClient SOCKETS = HttpClient.newHttpClient();
    static final ExecutorService POOL = Executors.newFixedThreadPool(8);

    record User(long id, String username, String token) {
        String bearer() {
            return "Bearer " + token;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        system = SystemUnderTest.get();
        RestAssured.baseURI = system.gatewayUrl();
        RestAssured.port = system.port("gateway-service");
        secondGateway = SystemUnderTest.secondGateway();
    }

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static User register() {
        String name = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        JsonPath body = given().contentType(ContentType.JSON)
                .body(Map.of("username", name, "password", "correct-horse-9"))
                .when().post("/api/v1/users/register")
                .then().statusCode(200).extract().jsonPath();
        return new User(body.getLong("data.user.id"), name, body.getString("data.access_token"));
    }

    static List<User> register(int n) {
        List<CompletableFuture<User>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(CompletableFuture.supplyAsync(ContactsAndGroupsIT::register, POOL));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    static WsTestClient connect(User user, String gateway) {
        String base = gateway == null ? system.wsUrl("/ws") : system.wsUrl(gateway, "/ws");
        return new WsTestClient(URI.create(base + "?token=" + user.token()), SOCKETS.newWebSocketBuilder(), true);
    }

    static JsonPath post(User as, String path, Object body) {
        return given().contentType(ContentType.JSON).header("Authorization", as.bearer()).body(body)
                .when().post(path).then().extract().jsonPath();
    }

    static void awaitConnected(User user) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (given().header("Authorization", user.bearer()).get("/api/v1/users/online/" + user.id())
                    .then().extract().jsonPath().getBoolean("data.connected")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("user " + user.id() + " never became connected");
    }

    @Test
    void friendRequestAndAcceptAreToldToTheOtherSideOverWebSocket() throws Exception {
        User alice = register();
        User bob = register();
        try (WsTestClient aliceSocket = connect(alice, null); WsTestClient bobSocket = connect(bob, secondGateway)) {
            awaitConnected(alice);
            awaitConnected(bob);
            long requestId = given().contentType(ContentType.JSON).header("Authorization", alice.bearer())
                    .body(Map.of("to_user_id", bob.id(), "message", "hi, it's alice"))
                    .post("/api/v1/friends/request").then().statusCode(200).extract().jsonPath().getLong("data.id");
            JsonNode request = bobSocket.next("friend_request");
            assertEquals(requestId, request.path("request").path("id").asLong());
            assertEquals(alice.id(), request.path("request").path("from_user_id").asLong());
            assertEquals("hi, it's alice", request.path("request").path("message").asText());

            given().contentType(ContentType.JSON).header("Authorization", bob.bearer()).body(Map.of("request_id", requestId))
                    .post("/api/v1/friends/accept").then().statusCode(200).body("data.user.id", equalTo((int) alice.id()));
            JsonNode friend = aliceSocket.next("friend");
            assertEquals("accepted", friend.path("event").asText());
            assertEquals(bob.id(), friend.path("user").path("id").asLong());
        }
        given().header("Authorization", alice.bearer()).get("/api/v1/friends/list")
                .then().statusCode(200).body("data.total", equalTo(1)).body("data.friends[0].user.id", equalTo((int) bob.id()));
    }

    @Test
    void aBlockedUsersMessagesAreRefusedAndNothingIsStoredUntilUnblocked() {
        User alice = register();
        User bob = register();
        // A first send: message-service now has bob's (empty) block list from auth in Redis.
        sendPrivate(alice, bob, "hello").statusCode(200);
        given().header("Authorization", bob.bearer()).post("/api/v1/users/" + alice.id() + "/block").then().statusCode(200);
        sendPrivate(alice, bob, "can you hear me?").statusCode(403).body("error", equalTo("BLOCKED"));
        given().header("Authorization", bob.bearer()).get("/api/v1/messages/sync?after_seq=0")
                .then().statusCode(200).body("data.messages.size()", equalTo(1));
        given().header("Authorization", alice.bearer()).get("/api/v1/messages/sync?after_seq=0")
                .then().statusCode(200).body("data.messages.size()", equalTo(1));
        // Blocking is one way: bob can still write to alice.
        sendPrivate(bob, alice, "I can still write to you").statusCode(200);

        given().header("Authorization", bob.bearer()).delete("/api/v1/users/" + alice.id() + "/block").then().statusCode(200);
        sendPrivate(alice, bob, "now?").statusCode(200);
        given().header("Authorization", bob.bearer()).get("/api/v1/messages/sync?after_seq=0")
                .then().statusCode(200).body("data.messages.size()", equalTo(3));
    }

    static io.restassured.response.ValidatableResponse sendPrivate(User from, User to, String content) {
        return given().contentType(ContentType.JSON).header("Authorization", from.bearer())
                .body(Map.of("receiver_id", to.id(), "content", content))
                .post("/api/v1/messages/send").then();
    }

    @Test
    void fiveHundredMembersOverTwoGatewaysGetEveryGroupMessageOnceWithOneEntryPerGateway() throws Exception {
        List<User> users = register(500);
        User owner = users.get(0);
        Map<Long, WsTestClient> sockets = new HashMap<>();
        try {
            for (int i = 0; i < users.size(); i++) {
                sockets.put(users.get(i).id(), connect(users.get(i), i % 2 == 0 ? null : secondGateway));
            }
            for (User u : List.of(users.get(0), users.get(1), users.get(498), users.get(499))) {
                awaitConnected(u);
            }
            awaitRoutes(users);
            JsonPath group = post(owner, "/api/v1/groups", Map.of("name", "five hundred",
                    "member_ids", users.subList(1, 500).stream().map(User::id).toList()));
            assertEquals(500, group.getInt("data.member_count"), group.prettify());
            long groupId = group.getLong("data.id");
            for (WsTestClient s : sockets.values()) {
                JsonNode created = s.next("group");
                assertEquals(groupId, created.path("group").path("id").asLong());
            }

            String first = system.redisPrefix + "im:gw:" + system.gatewayId;
            String second = system.redisPrefix + "im:gw:" + system.gatewayId(secondGateway);
            long before1 = xlen(first);
            long before2 = xlen(second);
            List<Long> sent = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                JsonPath msg = post(owner, "/api/v1/messages/send", Map.of("group_id", groupId, "content", "to all " + m,
                        "client_msg_id", "all-" + m));
                assertEquals(groupId, msg.getLong("data.group_id"), msg.prettify());
                assertEquals(2, msg.getInt("data.session_type"));
                sent.add(msg.getLong("data.id"));
            }
            assertEquals(3, xlen(first) - before1, "one deliver entry per message on the first gateway");
            assertEquals(3, xlen(second) - before2, "one deliver entry per message on the second gateway");

            for (User u : users) {
                WsTestClient s = sockets.get(u.id());
                List<Long> got = new ArrayList<>();
                Set<Long> seqs = new HashSet<>();
                for (int m = 0; m < 3; m++) {
                    JsonNode chat = s.next("chat");
                    assertEquals(groupId, chat.path("group_id").asLong());
                    assertFalse(chat.hasNonNull("to"), "a group chat frame has no receiver");
                    got.add(chat.path("msg_id").asLong());
                    seqs.add(chat.path("seq").asLong());
                }
                assertEquals(sent, got, "user " + u.id() + " gets every message once, in order");
                assertEquals(3, seqs.size());
            }
            Thread.sleep(500);
            for (WsTestClient s : sockets.values()) {
                assertTrue(s.frames.stream().noneMatch(f -> "chat".equals(f.path("type").asText())), "no message twice");
            }
            // Each member's own timeline: the three messages with consecutive seqs of their own.
            for (User u : List.of(users.get(1), users.get(250), users.get(499))) {
                List<Long> seqs = given().header("Authorization", u.bearer()).get("/api/v1/messages/sync?after_seq=0")
                        .then().statusCode(200).extract().jsonPath().getList("data.messages.seq", Long.class);
                assertEquals(List.of(1L, 2L, 3L), seqs);
            }
        } finally {
            sockets.values().forEach(WsTestClient::close);
        }
    }

    @Test
    void aRemovedMemberStopsReceivingAtOnceAndAJoinerSeesMessagesFromTheJoinOn() throws Exception {
        List<User> users = register(6);
        User owner = users.get(0);
        User leaving = users.get(1);
        User joiner = users.get(5);
        Map<Long, WsTestClient> sockets = new HashMap<>();
        try {
            for (int i = 0; i < users.size(); i++) {
                sockets.put(users.get(i).id(), connect(users.get(i), i % 2 == 0 ? null : secondGateway));
            }
            awaitRoutes(users);
            long groupId = post(owner, "/api/v1/groups", Map.of("name", "moving", "member_ids",
                    users.subList(1, 5).stream().map(User::id).toList())).getLong("data.id");

            List<Long> sent = new ArrayList<>();
            long removedAfter = -1;
            long joinedBefore = -1;
            CompletableFuture<Void> remove = null;
            for (int m = 0; m < 40; m++) {
                sent.add(post(users.get(2 + m % 3), "/api/v1/messages/send", Map.of("group_id", groupId, "content", "flow " + m))
                        .getLong("data.id"));
                if (m == 15) {
                    // Removed while other members keep sending.
                    remove = CompletableFuture.runAsync(() -> given().header("Authorization", owner.bearer())
                            .delete("/api/v1/groups/" + groupId + "/members/" + leaving.id()).then().statusCode(200), POOL);
                }
                if (m == 25) {
                    remove.join();
                    removedAfter = sent.get(sent.size() - 1);
                    given().contentType(ContentType.JSON).header("Authorization", owner.bearer())
                            .body(Map.of("user_ids", List.of(joiner.id())))
                            .post("/api/v1/groups/" + groupId + "/members").then().statusCode(200);
                    joinedBefore = sent.get(sent.size() - 1);
                }
            }
            List<Long> leaverGot = chats(sockets.get(leaving.id()), groupId);
            assertTrue(leaverGot.size() >= 15 && leaverGot.size() <= 26, "leaver got " + leaverGot.size());
            assertEquals(sent.subList(0, leaverGot.size()), leaverGot, "what the leaver got is a gap-free prefix");
            long lastBeforeRemoval = removedAfter;
            assertTrue(leaverGot.stream().allMatch(id -> id <= lastBeforeRemoval), "nothing after the removal answered");
            given().header("Authorization", leaving.bearer()).get("/api/v1/groups/" + groupId).then().statusCode(404);
            given().header("Authorization", leaving.bearer()).get("/api/v1/groups/" + groupId + "/messages").then().statusCode(404);

            long lastBeforeJoin = joinedBefore;
            List<Long> joinerGot = chats(sockets.get(joiner.id()), groupId);
            assertEquals(sent.stream().filter(id -> id > lastBeforeJoin).toList(), joinerGot, "the joiner sees messages from the join on");
            for (User stayer : users.subList(2, 5)) {
                assertEquals(sent, chats(sockets.get(stayer.id()), groupId), "members who stay get all, once, in order");
            }

            // Over the socket: the sending connection gets the ack, the other members the chat frame.
            WsTestClient writer = sockets.get(users.get(2).id());
            writer.send(Map.of("type", "chat", "group_id", groupId, "content", "over the socket", "client_msg_id", "ws-1"));
            JsonNode ack = writer.next("ack");
            assertEquals("ws-1", ack.path("client_msg_id").asText());
            JsonNode chat = sockets.get(joiner.id()).next("chat");
            assertEquals(ack.path("msg_id").asLong(), chat.path("msg_id").asLong());
            assertEquals(groupId, chat.path("group_id").asLong());
            assertTrue(chats(sockets.get(leaving.id()), groupId).isEmpty(), "the removed member gets nothing");
        } finally {
            sockets.values().forEach(WsTestClient::close);
        }
    }

    /** Every group chat frame that arrives on the socket within a short quiet period. */
    static List<Long> chats(WsTestClient socket, long groupId) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (JsonNode f : socket.drain(1500)) {
            if ("chat".equals(f.path("type").asText()) && f.path("group_id").asLong() == groupId) {
                ids.add(f.path("msg_id").asLong());
            }
        }
        return ids;
    }

    /** Waits until presence has a route for every user (what message-service reads to deliver). */
    static void awaitRoutes(List<User> users) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (User u : users) {
            while (redis("EXISTS", system.redisPrefix + "im:route:" + u.id()) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no route for user " + u.id());
                }
                Thread.sleep(20);
            }
        }
    }

    static long xlen(String stream) throws IOException {
        return redis("XLEN", stream);
    }

    /** One Redis command with an integer answer, spoken in RESP over a plain socket. */
    static long redis(String... command) throws IOException {
        try (Socket s = new Socket("localhost", Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")))) {
            s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
            StringBuilder b = new StringBuilder("*").append(command.length).append("\r\n");
            for (String c : command) {
                b.append('$').append(c.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(c).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            String password = System.getenv("REDIS_PASSWORD");
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            if (password != null && !password.isEmpty()) {
                out.write(("*2\r\n$4\r\nAUTH\r\n$" + password.length() + "\r\n" + password + "\r\n").getBytes(StandardCharsets.UTF_8));
                in.readLine();
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = in.readLine();
            if (line == null || line.charAt(0) != ':') {
                throw new IOException("unexpected Redis answer " + line);
            }
            return Long.parseLong(line.substring(1));
        }
    }
}
