package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.requestFriend;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The frames that tell the other side, as deliver entries on the gateway streams (docs/ARCHITECTURE.md). */
@QuarkusTest
class ContactFramesTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    /** Numbers as longs, so that ids compare equal to the sessions' ids. */
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private final List<String> cleanup = new ArrayList<>();

    @AfterEach
    void removeRoutesAndStreams() {
        if (!cleanup.isEmpty()) {
            redis.key().del(cleanup.toArray(String[]::new));
        }
    }

    @Test
    void theAddresseeOfARequestGetsAFriendRequestFrameOnEachOfTheirGateways() throws Exception {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        String gw1 = route(b, "conn-1");
        String gw2 = route(b, "conn-2");
        routeTo(b, "conn-3", gw1);
        String gwA = route(a, "conn-a");
        long since = System.currentTimeMillis() - 1000;
        Response sent = requestFriend(a, b.id(), "hello");
        sent.then().statusCode(200);
        long now = System.currentTimeMillis() / 1000;

        for (String gw : List.of(gw1, gw2)) {
            List<StreamMessage<String, String, String>> entries = Api.entriesSince(redis, keys.gatewayStream(gw), since);
            assertEquals(1, entries.size(), "one entry per gateway, however many sockets it holds");
            Map<String, String> entry = entries.get(0).payload();
            assertEquals(Map.of("type", "deliver", "users", String.valueOf(b.id()), "frame", entry.get("frame")), entry);
            Map<String, Object> frame = frame(entry);
            assertTimestamp(frame, now);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("id", sent.jsonPath().getLong("data.id"));
            request.put("from_user_id", a.id());
            request.put("to_user_id", b.id());
            request.put("message", "hello");
            request.put("status", "pending");
            request.put("created_at", sent.jsonPath().getString("data.created_at"));
            assertEquals(Map.of("type", "friend_request", "request", request,
                    "from", Map.of("id", a.id(), "username", a.username(), "nickname", a.username(), "avatar", ""),
                    "timestamp", frame.get("timestamp")), frame);
        }
        assertEquals(0, Api.entriesSince(redis, keys.gatewayStream(gwA), since).size(), "the requester is not told");
    }

    @Test
    void theRequesterGetsAnAcceptedFrameNamingTheAccepter() throws Exception {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        String gw = route(a, "conn-1");
        long requestId = requestFriend(a, b.id(), null).jsonPath().getLong("data.id");
        long since = System.currentTimeMillis() - 1000;
        bearer(b.accessToken()).body(Map.of("nickname", "Bee", "avatar", "https://cdn.example.com/b.png"))
                .put("/api/v1/users/profile").then().statusCode(200);
        bearer(b.accessToken()).body(Map.of("request_id", requestId)).post("/api/v1/friends/accept").then().statusCode(200);

        Map<String, Object> frame = onlyFrame(gw, since, a);
        assertTimestamp(frame, System.currentTimeMillis() / 1000);
        assertEquals(Map.of("type", "friend", "event", "accepted", "request_id", requestId,
                "user", Map.of("id", b.id(), "username", b.username(), "nickname", "Bee",
                        "avatar", "https://cdn.example.com/b.png"),
                "timestamp", frame.get("timestamp")), frame);
    }

    @Test
    void aCrossingRequestTellsTheFirstRequesterTheirRequestWasAccepted() throws Exception {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        String gw = route(a, "conn-1");
        long theirs = requestFriend(a, b.id(), null).jsonPath().getLong("data.id");
        long since = System.currentTimeMillis() - 1000;
        requestFriend(b, a.id(), null).then().statusCode(200);

        Map<String, Object> frame = onlyFrame(gw, since, a);
        assertEquals("friend", frame.get("type"));
        assertEquals("accepted", frame.get("event"));
        assertEquals(theirs, ((Number) frame.get("request_id")).longValue());
        assertEquals(Map.of("id", b.id(), "username", b.username(), "nickname", b.username(), "avatar", ""), frame.get("user"));
    }

    @Test
    void theRemovedFriendGetsARemovedFrame() throws Exception {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.befriend(a, b);
        String gw = route(b, "conn-1");
        long since = System.currentTimeMillis() - 1000;
        bearer(a.accessToken()).delete("/api/v1/friends/" + b.id()).then().statusCode(200);

        Map<String, Object> frame = onlyFrame(gw, since, b);
        assertTimestamp(frame, System.currentTimeMillis() / 1000);
        assertEquals(Map.of("type", "friend", "event", "removed", "user_id", a.id(), "timestamp", frame.get("timestamp")),
                frame);
    }

    @Test
    void rejectingCancellingAndBlockingTellNobody() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.Session c = Api.registerUser();
        long rejected = requestFriend(a, b.id(), null).jsonPath().getLong("data.id");
        long cancelled = requestFriend(c, b.id(), null).jsonPath().getLong("data.id");
        Api.befriend(a, c);
        // sockets only from here on: whatever the gateways get now comes from what follows
        List<String> gateways = List.of(route(a, "conn-a"), route(b, "conn-b"), route(c, "conn-c"));
        bearer(b.accessToken()).body(Map.of("request_id", rejected)).post("/api/v1/friends/reject").then().statusCode(200);
        bearer(c.accessToken()).body(Map.of("request_id", cancelled)).post("/api/v1/friends/reject").then().statusCode(200);
        bearer(a.accessToken()).post("/api/v1/users/" + c.id() + "/block").then().statusCode(200);
        bearer(b.accessToken()).post("/api/v1/users/" + a.id() + "/block").then().statusCode(200);
        for (String gw : gateways) {
            assertEquals(0, Api.entriesSince(redis, keys.gatewayStream(gw), 0).size(), gw);
        }
    }

    @Test
    void aUserWithoutASocketGetsNoEntryAndTheRequestStillSucceeds() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        long since = System.currentTimeMillis() - 1000;
        requestFriend(a, b.id(), null).then().statusCode(200);
        String stray = "gw-test-" + UUID.randomUUID();
        cleanup.add(keys.gatewayStream(stray));
        assertEquals(0, Api.entriesSince(redis, keys.gatewayStream(stray), since).size());
    }

    @Test
    void aRedisFailureIsLoggedAndTheChangeStillSucceeds() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        // a route key of the wrong type makes the route lookup fail inside Redis
        redis.value(String.class).set(keys.route(b.id()), "not-a-hash");
        cleanup.add(keys.route(b.id()));
        requestFriend(a, b.id(), null).then().statusCode(200).body("data.status", is("pending"));
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().statusCode(200)
                .body("data.from_user.id", contains((int) a.id()));
    }

    /** Registers a fake socket of the user on a fresh gateway; answers the gateway id. */
    private String route(Api.Session user, String connId) {
        String gw = "gw-test-" + UUID.randomUUID();
        routeTo(user, connId, gw);
        return gw;
    }

    private void routeTo(Api.Session user, String connId, String gw) {
        redis.hash(String.class).hset(keys.route(user.id()), connId, gw);
        cleanup.add(keys.route(user.id()));
        cleanup.add(keys.gatewayStream(gw));
    }

    private Map<String, Object> onlyFrame(String gw, long since, Api.Session target) throws Exception {
        List<StreamMessage<String, String, String>> entries = Api.entriesSince(redis, keys.gatewayStream(gw), since);
        assertEquals(1, entries.size(), "entries: " + entries);
        Map<String, String> entry = entries.get(0).payload();
        assertEquals("deliver", entry.get("type"));
        assertEquals(String.valueOf(target.id()), entry.get("users"));
        assertEquals(3, entry.size(), "type, frame and users only: " + entry);
        return frame(entry);
    }

    private Map<String, Object> frame(Map<String, String> entry) throws Exception {
        return mapper.readValue(entry.get("frame"), new TypeReference<LinkedHashMap<String, Object>>() {
                });
    }

    private static void assertTimestamp(Map<String, Object> frame, long nowSeconds) {
        long ts = ((Number) frame.get("timestamp")).longValue();
        assertTrue(Math.abs(ts - nowSeconds) <= 5, "timestamp in Unix seconds, got " + ts);
    }
}
