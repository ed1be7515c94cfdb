package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.requestFriend;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FriendRequestTest {

    private static final String ISO_SECONDS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @Test
    void aRequestIsAnsweredWithItsFieldsAndListedOnBothSides() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Response sent = requestFriend(a, b.id(), "  hi, it's A 👋  ");
        sent.then().statusCode(200).body("code", is(0))
                .body("data.id", notNullValue())
                .body("data.from_user_id", is((int) a.id()))
                .body("data.to_user_id", is((int) b.id()))
                .body("data.message", is("hi, it's A 👋"))
                .body("data.status", is("pending"))
                .body("data.created_at", matchesPattern(ISO_SECONDS));
        int id = sent.jsonPath().getInt("data.id");
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].id", is(id))
                .body("data[0].status", is("pending"))
                .body("data[0].from_user.id", is((int) a.id()))
                .body("data[0].from_user.username", is(a.username()))
                .body("data[0].from_user", not(hasKey("email")))
                .body("data[0].to_user.id", is((int) b.id()));
        bearer(b.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then().statusCode(200)
                .body("data", empty());
        bearer(a.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then().statusCode(200)
                .body("data.id", contains(id));
        bearer(a.accessToken()).queryParam("direction", "incoming").get("/api/v1/friends/requests").then().statusCode(200)
                .body("data", empty());
    }

    @Test
    void theOriginalCamelCaseAndANumericStringAreAccepted() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        bearer(a.accessToken()).body(Map.of("toUserId", String.valueOf(b.id()))).post("/api/v1/friends/request").then()
                .statusCode(200).body("data.to_user_id", is((int) b.id())).body("data.message", is(""));
    }

    @Test
    void badRequestsAre400InTheEnvelope() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        requestFriend(a, a.id(), null).then().statusCode(400).body("code", is(400))
                .body("error", is("VALIDATION_FAILED")).body("fields.to_user_id", notNullValue());
        bearer(a.accessToken()).body(Map.of("message", "hi")).post("/api/v1/friends/request").then().statusCode(400)
                .body("fields.to_user_id", notNullValue());
        requestFriend(a, b.id(), "x".repeat(201)).then().statusCode(400).body("fields.message", notNullValue());
        requestFriend(a, b.id(), "x".repeat(200)).then().statusCode(200);
        Api.Session c = Api.registerUser();
        bearer(a.accessToken()).body("{\"to_user_id\": ").post("/api/v1/friends/request").then().statusCode(400)
                .body("code", is(400)).body("error", is("VALIDATION_FAILED"));
        bearer(a.accessToken()).body(Map.of("to_user_id", "abc")).post("/api/v1/friends/request").then().statusCode(400)
                .body("error", is("VALIDATION_FAILED")).body("fields.to_user_id", notNullValue());
        bearer(a.accessToken()).body(Map.of("to_user_id", Map.of("id", c.id()))).post("/api/v1/friends/request").then()
                .statusCode(400).body("error", is("VALIDATION_FAILED"));
        bearer(a.accessToken()).post("/api/v1/friends/request").then().statusCode(400).body("error", is("VALIDATION_FAILED"));
        bearer(a.accessToken()).body(Map.of("request_id", "x")).post("/api/v1/friends/accept").then().statusCode(400)
                .body("fields.request_id", notNullValue());
        bearer(a.accessToken()).body(Map.of()).post("/api/v1/friends/reject").then().statusCode(400)
                .body("fields.request_id", notNullValue());
        json().body(Map.of("to_user_id", b.id())).post("/api/v1/friends/request").then().statusCode(401)
                .body("error", is("UNAUTHORIZED"));
    }

    @Test
    void anUnknownUserIs404() {
        Api.Session a = Api.registerUser();
        requestFriend(a, 999_999_999L, null).then().statusCode(404).body("error", is("NOT_FOUND"));
    }

    @Test
    void aSecondRequestWhilePendingIs409RequestPending() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        requestFriend(a, b.id(), null).then().statusCode(200);
        requestFriend(a, b.id(), "again").then().statusCode(409).body("code", is(409)).body("error", is("REQUEST_PENDING"));
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().body("data", hasSize(1));
    }

    @Test
    void askingSomeoneWhoAskedYouAcceptsTheirRequest() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        int theirs = requestFriend(a, b.id(), null).jsonPath().getInt("data.id");
        Response mine = requestFriend(b, a.id(), "sure");
        mine.then().statusCode(200)
                .body("data.from_user_id", is((int) b.id()))
                .body("data.to_user_id", is((int) a.id()))
                .body("data.status", is("accepted"))
                .body("data.message", is("sure"));
        for (Api.Session s : new Api.Session[] {a, b}) {
            bearer(s.accessToken()).get("/api/v1/friends/list").then().statusCode(200).body("data.total", is(1));
            for (String direction : new String[] {"incoming", "outgoing"}) {
                bearer(s.accessToken()).queryParam("direction", direction).get("/api/v1/friends/requests").then()
                        .body("data", empty());
            }
        }
        bearer(b.accessToken()).body(Map.of("request_id", theirs)).post("/api/v1/friends/accept").then().statusCode(409)
                .body("error", is("REQUEST_NOT_PENDING"));
    }

    @Test
    void acceptingMakesBothFriendsAndAnswersTheNewFriend() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        int id = requestFriend(a, b.id(), null).jsonPath().getInt("data.id");
        bearer(b.accessToken()).body(Map.of("requestId", id)).post("/api/v1/friends/accept").then().statusCode(200)
                .body("data.user.id", is((int) a.id()))
                .body("data.user.username", is(a.username()))
                .body("data.user", not(hasKey("email")))
                .body("data.since", matchesPattern(ISO_SECONDS));
        bearer(a.accessToken()).get("/api/v1/friends/list").then().statusCode(200)
                .body("data.total", is(1)).body("data.friends[0].user.id", is((int) b.id()));
        bearer(b.accessToken()).get("/api/v1/friends/list").then().statusCode(200)
                .body("data.friends[0].user.id", is((int) a.id()));
        requestFriend(a, b.id(), null).then().statusCode(409).body("error", is("ALREADY_FRIENDS"));
        requestFriend(b, a.id(), null).then().statusCode(409).body("error", is("ALREADY_FRIENDS"));
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(409)
                .body("error", is("REQUEST_NOT_PENDING"));
    }

    @Test
    void onlyTheAddresseeMayAcceptOthersGet404() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.Session stranger = Api.registerUser();
        int id = requestFriend(a, b.id(), null).jsonPath().getInt("data.id");
        bearer(a.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(404)
                .body("error", is("NOT_FOUND"));
        bearer(stranger.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(404);
        bearer(stranger.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/reject").then().statusCode(404)
                .body("error", is("NOT_FOUND"));
        bearer(b.accessToken()).body(Map.of("request_id", 999_999_999)).post("/api/v1/friends/accept").then().statusCode(404);
        bearer(b.accessToken()).body(Map.of("request_id", 999_999_999)).post("/api/v1/friends/reject").then().statusCode(404);
        // still pending
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().body("data.id", contains(id));
    }

    @Test
    void theAddresseeRejectsAndMayBeAskedAgain() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        int id = requestFriend(a, b.id(), null).jsonPath().getInt("data.id");
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/reject").then().statusCode(200)
                .body("code", is(0)).body("data", nullValue());
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().body("data", empty());
        bearer(a.accessToken()).queryParam("direction", "outgoing").get("/api/v1/friends/requests").then().body("data", empty());
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/reject").then().statusCode(409)
                .body("error", is("REQUEST_NOT_PENDING"));
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(409);
        bearer(a.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        requestFriend(a, b.id(), "please?").then().statusCode(200).body("data.status", is("pending"));
    }

    @Test
    void theRequesterCancelsTheirOwnRequestWithReject() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        int id = requestFriend(a, b.id(), null).jsonPath().getInt("data.id");
        bearer(a.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/reject").then().statusCode(200);
        bearer(b.accessToken()).get("/api/v1/friends/requests").then().body("data", empty());
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(409)
                .body("error", is("REQUEST_NOT_PENDING"));
        // the other side may now ask in turn: a plain pending request, no crossing
        requestFriend(b, a.id(), null).then().statusCode(200).body("data.status", is("pending"));
    }

    @Test
    void pendingListsAreNewestFirstAndPageWithBeforeId() {
        Api.Session me = Api.registerUser();
        Api.Session[] askers = {Api.registerUser(), Api.registerUser(), Api.registerUser()};
        int[] ids = new int[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = requestFriend(askers[i], me.id(), null).jsonPath().getInt("data.id");
        }
        bearer(me.accessToken()).get("/api/v1/friends/requests").then().statusCode(200)
                .body("data.id", contains(ids[2], ids[1], ids[0]))
                .body("data.from_user.id", contains((int) askers[2].id(), (int) askers[1].id(), (int) askers[0].id()));
        bearer(me.accessToken()).queryParam("limit", 2).get("/api/v1/friends/requests").then().statusCode(200)
                .body("data.id", contains(ids[2], ids[1]));
        bearer(me.accessToken()).queryParam("limit", 2).queryParam("before_id", ids[1]).get("/api/v1/friends/requests")
                .then().statusCode(200).body("data.id", contains(ids[0]));
    }

    @Test
    void badListParametersAre400() {
        Api.Session me = Api.registerUser();
        bearer(me.accessToken()).queryParam("direction", "sideways").get("/api/v1/friends/requests").then().statusCode(400)
                .body("error", is("VALIDATION_FAILED")).body("fields.direction", notNullValue());
        bearer(me.accessToken()).queryParam("limit", 101).get("/api/v1/friends/requests").then().statusCode(400)
                .body("fields.limit", notNullValue());
        bearer(me.accessToken()).queryParam("limit", 0).get("/api/v1/friends/requests").then().statusCode(400);
        bearer(me.accessToken()).queryParam("before_id", "x").get("/api/v1/friends/requests").then().statusCode(400)
                .body("fields.before_id", notNullValue());
        json().get("/api/v1/friends/requests").then().statusCode(401);
    }
}
