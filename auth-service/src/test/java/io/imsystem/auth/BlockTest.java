package io.imsystem.auth;

import io.imsystem.common.security.InternalCredential;
import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.requestFriend;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.imsystem.auth.service.BlockCache;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BlockTest {

    @Test
    void blockingIsIdempotentAndListedNewestFirst() {
        Api.Session me = Api.registerUser();
        Api.Session x = Api.registerUser();
        Api.Session y = Api.registerUser();
        block(me, x).then().statusCode(200).body("code", is(0)).body("data", nullValue());
        block(me, y).then().statusCode(200);
        block(me, x).then().statusCode(200);
        bearer(me.accessToken()).get("/api/v1/users/blocks").then().statusCode(200)
                .body("data.user.id", contains((int) y.id(), (int) x.id()))
                .body("data[0].user.username", is(y.username()))
                .body("data[0].user", not(hasKey("email")))
                .body("data[0].blocked_at", notNullValue());
        unblock(me, x).then().statusCode(200).body("data", nullValue());
        unblock(me, x).then().statusCode(200);
        bearer(me.accessToken()).get("/api/v1/users/blocks").then().body("data.user.id", contains((int) y.id()));
        bearer(x.accessToken()).get("/api/v1/users/blocks").then().statusCode(200).body("data", empty());
    }

    @Test
    void selfIs400AndUnknownUsersAre404() {
        Api.Session me = Api.registerUser();
        block(me, me).then().statusCode(400).body("error", is("VALIDATION_FAILED")).body("fields.user_id", notNullValue());
        unblock(me, me).then().statusCode(400);
        bearer(me.accessToken()).post("/api/v1/users/999999999/block").then().statusCode(404).body("error", is("NOT_FOUND"));
        bearer(me.accessToken()).delete("/api/v1/users/999999999/block").then().statusCode(404);
        bearer(me.accessToken()).post("/api/v1/users/abc/block").then().statusCode(400).body("fields.user_id", notNullValue());
        json().post("/api/v1/users/" + me.id() + "/block").then().statusCode(401);
        json().get("/api/v1/users/blocks").then().statusCode(401);
    }

    @Test
    void theUsersRouteStillAnswersUsersBesideTheBlocksList() {
        Api.Session me = Api.registerUser();
        Api.Session other = Api.registerUser();
        bearer(me.accessToken()).get("/api/v1/users/" + other.id()).then().statusCode(200)
                .body("data.id", is((int) other.id()));
        bearer(me.accessToken()).get("/api/v1/users/blocks").then().statusCode(200).body("data", empty());
        bearer(me.accessToken()).get("/api/v1/users/profile").then().statusCode(200).body("data.id", is((int) me.id()));
    }

    @Test
    void aBlockedUsersFriendRequestIs403Blocked() {
        Api.Session me = Api.registerUser();
        Api.Session pest = Api.registerUser();
        block(me, pest).then().statusCode(200);
        requestFriend(pest, me.id(), "let me in").then().statusCode(403).body("code", is(403)).body("error", is("BLOCKED"));
        bearer(me.accessToken()).get("/api/v1/friends/requests").then().body("data", empty());
        // the blocker cannot ask the one they blocked either, until they unblock
        requestFriend(me, pest.id(), null).then().statusCode(403).body("error", is("BLOCKED"));
        unblock(me, pest).then().statusCode(200);
        requestFriend(pest, me.id(), "sorry").then().statusCode(200);
    }

    @Test
    void blockingEndsTheFriendshipAndItDoesNotComeBack() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.befriend(a, b);
        block(a, b).then().statusCode(200);
        bearer(a.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        bearer(b.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        unblock(a, b).then().statusCode(200);
        bearer(b.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
    }

    @Test
    void blockingRemovesPendingRequestsEitherWay() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.Session c = Api.registerUser();
        int incoming = requestFriend(b, a.id(), null).jsonPath().getInt("data.id");
        int outgoing = requestFriend(a, c.id(), null).jsonPath().getInt("data.id");
        block(a, b).then().statusCode(200);
        block(a, c).then().statusCode(200);
        bearer(a.accessToken()).get("/api/v1/friends/requests").then().body("data", empty());
        bearer(a.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then().body("data", empty());
        bearer(b.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then().body("data", empty());
        bearer(c.accessToken()).get("/api/v1/friends/requests").then().body("data", empty());
        bearer(a.accessToken()).body(Map.of("request_id", incoming)).post("/api/v1/friends/accept").then().statusCode(409);
        bearer(c.accessToken()).body(Map.of("request_id", outgoing)).post("/api/v1/friends/accept").then().statusCode(409)
                .body("error", is("REQUEST_NOT_PENDING"));
    }

    @Test
    void relationsNeedMessagesTokenForTheSenderAndTellBlockedAndFriends() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        json().queryParam("from", a.id()).queryParam("to", b.id()).get("/internal/v1/relations").then().statusCode(401)
                .body("code", is(401)).body("error", is("UNAUTHORIZED"));
        // a naming header is no credential
        json().header("X-Service", "message-service").queryParam("from", a.id()).queryParam("to", b.id())
                .get("/internal/v1/relations").then().statusCode(401);
        // minted for another sender, or by the gateway (which may not call this route)
        json().headers(Api.serviceToken(InternalCredential.MESSAGE, b.id())).queryParam("from", a.id()).queryParam("to", b.id())
                .get("/internal/v1/relations").then().statusCode(403).body("error", is("FORBIDDEN"));
        json().headers(Api.serviceToken(InternalCredential.GATEWAY, a.id())).queryParam("from", a.id()).queryParam("to", b.id())
                .get("/internal/v1/relations").then().statusCode(403).body("error", is("FORBIDDEN"));
        relation(a, b).then().statusCode(200).body("code", is(0))
                .body("data", is(Map.of("blocked", false, "friends", false)));
        Api.befriend(a, b);
        relation(a, b).then().body("data", is(Map.of("blocked", false, "friends", true)));
        relation(b, a).then().body("data", is(Map.of("blocked", false, "friends", true)));
        // b blocks a: a's messages to b are blocked, not b's to a
        block(b, a).then().statusCode(200);
        relation(a, b).then().body("data", is(Map.of("blocked", true, "friends", false)));
        relation(b, a).then().body("data", is(Map.of("blocked", false, "friends", false)));
        // both ways
        block(a, b).then().statusCode(200);
        relation(b, a).then().body("data", is(Map.of("blocked", true, "friends", false)));
        unblock(b, a).then().statusCode(200);
        relation(a, b).then().body("data", is(Map.of("blocked", false, "friends", false)));
        relation(b, a).then().body("data.blocked", is(true));
    }

    @Test
    void relationsRefuseBadIdsAndKnowNothingOfUnknownUsers() {
        Api.Session a = Api.registerUser();
        json().headers(Api.serviceToken(InternalCredential.MESSAGE, a.id())).queryParam("from", a.id()).get("/internal/v1/relations").then()
                .statusCode(400).body("fields.to", notNullValue());
        json().headers(Api.serviceToken(InternalCredential.MESSAGE, a.id())).queryParam("from", "x").queryParam("to", a.id())
                .get("/internal/v1/relations").then().statusCode(400).body("fields.from", notNullValue());
        json().headers(Api.serviceToken(InternalCredential.MESSAGE, 999_999_999)).queryParam("from", 999_999_999).queryParam("to", a.id())
                .get("/internal/v1/relations").then().statusCode(200)
                .body("data", is(Map.of("blocked", false, "friends", false)));
    }

    private static Response block(Api.Session me, Api.Session other) {
        return bearer(me.accessToken()).post("/api/v1/users/" + other.id() + "/block");
    }

    private static Response unblock(Api.Session me, Api.Session other) {
        return bearer(me.accessToken()).delete("/api/v1/users/" + other.id() + "/block");
    }

    private static Response relation(Api.Session from, Api.Session to) {
        return json().headers(Api.serviceToken(InternalCredential.MESSAGE, from.id())).queryParam("from", from.id()).queryParam("to", to.id())
                .get("/internal/v1/relations");
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Inject
    BlockCache blockCache;

    @Test
    void theRelationRouteCachesTheReceiversBlockListAndEveryChangeDropsIt() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.Session c = Api.registerUser();
        block(b, c).then().statusCode(200);
        assertFalse(redis.key().exists(keys.blockedBy(b.id())), "nothing cached before anyone asks");
        relation(a, b).then().body("data.blocked", is(false));
        assertEquals(Set.of("0", Long.toString(c.id())), redis.set(String.class).smembers(keys.blockedBy(b.id())),
                "b's list as message-service reads it");

        block(b, a).then().statusCode(200);
        assertFalse(redis.key().exists(keys.blockedBy(b.id())), "a block drops the list: the next send asks auth");
        relation(a, b).then().body("data.blocked", is(true));
        assertEquals(Set.of("0", Long.toString(a.id()), Long.toString(c.id())), redis.set(String.class).smembers(keys.blockedBy(b.id())));

        unblock(b, a).then().statusCode(200);
        assertFalse(redis.key().exists(keys.blockedBy(b.id())), "an unblock drops it too");

        // A refill that read MySQL before a change cannot write its stale list after it.
        String before = redis.value(String.class).get(keys.blocksVersion(b.id()));
        block(b, a).then().statusCode(200);
        blockCache.fill(b.id(), before == null ? "" : before, List.of(c.id()));
        assertFalse(redis.key().exists(keys.blockedBy(b.id())), "the stale refill was refused");
    }
}
