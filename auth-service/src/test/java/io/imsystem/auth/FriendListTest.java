package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FriendListTest {

    @Test
    void theListPagesNewestFriendshipFirstWithTheTotal() {
        Api.Session me = Api.registerUser();
        Api.Session[] friends = {Api.registerUser(), Api.registerUser(), Api.registerUser()};
        for (Api.Session f : friends) {
            Api.befriend(f, me);
        }
        bearer(me.accessToken()).queryParam("page", 1).queryParam("page_size", 2).get("/api/v1/friends/list").then()
                .statusCode(200)
                .body("data.total", is(3))
                .body("data.friends", hasSize(2))
                .body("data.friends.user.id", contains((int) friends[2].id(), (int) friends[1].id()))
                .body("data.friends[0].user.username", is(friends[2].username()))
                .body("data.friends[0].since", notNullValue());
        bearer(me.accessToken()).queryParam("page", 2).queryParam("pageSize", 2).get("/api/v1/friends/list").then()
                .statusCode(200)
                .body("data.total", is(3))
                .body("data.friends.user.id", contains((int) friends[0].id()));
        bearer(me.accessToken()).queryParam("page", 3).queryParam("page_size", 2).get("/api/v1/friends/list").then()
                .statusCode(200).body("data.friends", empty()).body("data.total", is(3));
        bearer(friends[0].accessToken()).get("/api/v1/friends/list").then().statusCode(200)
                .body("data.total", is(1)).body("data.friends.user.id", contains((int) me.id()));
    }

    @Test
    void outOfRangePagingIs400() {
        Api.Session me = Api.registerUser();
        bearer(me.accessToken()).queryParam("page", 0).get("/api/v1/friends/list").then().statusCode(400)
                .body("error", is("VALIDATION_FAILED")).body("fields.page", notNullValue());
        bearer(me.accessToken()).queryParam("page_size", 101).get("/api/v1/friends/list").then().statusCode(400)
                .body("fields.page_size", notNullValue());
        bearer(me.accessToken()).queryParam("page_size", 0).get("/api/v1/friends/list").then().statusCode(400);
        bearer(me.accessToken()).queryParam("page", "one").get("/api/v1/friends/list").then().statusCode(400);
        bearer(me.accessToken()).queryParam("page", Integer.MAX_VALUE).queryParam("page_size", 100)
                .get("/api/v1/friends/list").then().statusCode(200).body("data.friends", empty());
        bearer(me.accessToken()).queryParam("page_size", 100).get("/api/v1/friends/list").then().statusCode(200)
                .body("data.total", is(0)).body("data.friends", empty());
        json().get("/api/v1/friends/list").then().statusCode(401);
    }

    @Test
    void removingEndsTheFriendshipOnBothSides() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        Api.befriend(a, b);
        bearer(a.accessToken()).delete("/api/v1/friends/" + b.id()).then().statusCode(200)
                .body("code", is(0)).body("data", nullValue());
        bearer(a.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        bearer(b.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(0));
        bearer(b.accessToken()).delete("/api/v1/friends/" + a.id()).then().statusCode(404).body("error", is("NOT_FOUND"));
        // and they may become friends again
        Api.befriend(b, a);
        bearer(a.accessToken()).get("/api/v1/friends/list").then().body("data.total", is(1));
    }

    @Test
    void removingSomeoneWhoIsNotAFriendIs404() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        bearer(a.accessToken()).delete("/api/v1/friends/" + b.id()).then().statusCode(404).body("error", is("NOT_FOUND"));
        bearer(a.accessToken()).delete("/api/v1/friends/999999999").then().statusCode(404);
        bearer(a.accessToken()).delete("/api/v1/friends/" + a.id()).then().statusCode(404);
        bearer(a.accessToken()).delete("/api/v1/friends/abc").then().statusCode(400).body("fields.user_id", notNullValue());
        // a pending request is not a friendship
        Api.requestFriend(a, b.id(), null).then().statusCode(200);
        bearer(a.accessToken()).delete("/api/v1/friends/" + b.id()).then().statusCode(404);
    }
}
