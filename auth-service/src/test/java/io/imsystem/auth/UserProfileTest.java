package io.imsystem.auth;

import io.imsystem.common.security.InternalCredential;
import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UserProfileTest {

    @Test
    void profileShowsTheOwnEmailAndUpdatesNicknameAndAvatar() {
        Api.Session s = Api.registerUser();
        bearer(s.accessToken()).get("/api/v1/users/profile").then().statusCode(200)
                .body("data.id", is((int) s.id()))
                .body("data.email", is(s.username() + "@example.com"));
        bearer(s.accessToken()).body(Map.of("nickname", "New Name 🎉", "avatar", "https://cdn.example.com/a.png"))
                .put("/api/v1/users/profile").then().statusCode(200)
                .body("data.nickname", is("New Name 🎉"))
                .body("data.avatar", is("https://cdn.example.com/a.png"))
                .body("data.username", is(s.username()));
        // absent fields stay
        bearer(s.accessToken()).body(Map.of("avatar", "")).put("/api/v1/users/profile").then().statusCode(200)
                .body("data.nickname", is("New Name 🎉"))
                .body("data.avatar", is(""));
    }

    @Test
    void invalidProfileChangesAre400() {
        Api.Session s = Api.registerUser();
        bearer(s.accessToken()).body(Map.of("nickname", "n".repeat(65))).put("/api/v1/users/profile").then().statusCode(400)
                .body("error", is("VALIDATION_FAILED")).body("fields.nickname", notNullValue());
        bearer(s.accessToken()).body(Map.of("nickname", "   ")).put("/api/v1/users/profile").then().statusCode(400)
                .body("fields.nickname", notNullValue());
    }

    @Test
    void otherUsersAreSeenWithoutEmail() {
        Api.Session me = Api.registerUser();
        Api.Session other = Api.registerUser();
        bearer(me.accessToken()).get("/api/v1/users/" + other.id()).then().statusCode(200)
                .body("data.id", is((int) other.id()))
                .body("data.username", is(other.username()))
                .body("data", not(hasKey("email")))
                .body("data", not(hasKey("password_hash")));
        bearer(me.accessToken()).get("/api/v1/users/999999999").then().statusCode(404).body("error", is("NOT_FOUND"));
        bearer(me.accessToken()).get("/api/v1/users/abc").then().statusCode(400).body("fields.user_id", notNullValue());
        json().get("/api/v1/users/" + other.id()).then().statusCode(401);
    }

    @Test
    void listSearchesByKeywordAndPages() {
        String tag = "k" + UUID.randomUUID().toString().substring(0, 6);
        Api.Session me = Api.registerUser();
        for (int i = 0; i < 3; i++) {
            Api.register(Map.of("username", tag + "_" + i, "password", Api.PASSWORD, "email", tag + i + "@example.com"))
                    .then().statusCode(200);
        }
        bearer(me.accessToken()).queryParam("keyword", tag.toUpperCase()).queryParam("page", 1).queryParam("page_size", 2)
                .get("/api/v1/users/list").then().statusCode(200)
                .body("data.total", is(3))
                .body("data.users", hasSize(2))
                .body("data.users.username", contains(tag + "_0", tag + "_1"))
                .body("data.users", everyItem(not(hasKey("email"))));
        bearer(me.accessToken()).queryParam("keyword", tag).queryParam("page", 2).queryParam("pageSize", 2)
                .get("/api/v1/users/list").then().statusCode(200)
                .body("data.users.username", contains(tag + "_2"));
        // LIKE wildcards in the keyword are literal
        bearer(me.accessToken()).queryParam("keyword", "%").get("/api/v1/users/list").then().statusCode(200)
                .body("data.users", empty()).body("data.total", is(0));
    }

    @Test
    void listRefusesOutOfRangePaging() {
        Api.Session me = Api.registerUser();
        bearer(me.accessToken()).queryParam("page_size", 101).get("/api/v1/users/list").then().statusCode(400)
                .body("fields.page_size", notNullValue());
        bearer(me.accessToken()).queryParam("page_size", 0).get("/api/v1/users/list").then().statusCode(400);
        bearer(me.accessToken()).queryParam("page", 0).get("/api/v1/users/list").then().statusCode(400)
                .body("fields.page", notNullValue());
        bearer(me.accessToken()).queryParam("page", "x").get("/api/v1/users/list").then().statusCode(400);
        bearer(me.accessToken()).get("/api/v1/users/list").then().statusCode(200)
                .body("data.users.size()", org.hamcrest.Matchers.lessThanOrEqualTo(20));
    }

    @Test
    void internalLookupNeedsMessagesOrPresencesTokenAndAnswersExistingUsers() {
        Api.Session a = Api.registerUser();
        Api.Session b = Api.registerUser();
        String ids = a.id() + "," + b.id() + ",999999999";
        json().queryParam("ids", ids).get("/internal/v1/users").then().statusCode(401).body("error", is("UNAUTHORIZED"));
        json().header("X-Service", "message-service").queryParam("ids", ids).get("/internal/v1/users").then().statusCode(401);
        // the gateway, exposed to the internet, may not look users up in bulk
        json().headers(Api.serviceToken(InternalCredential.GATEWAY, 0)).queryParam("ids", ids).get("/internal/v1/users").then()
                .statusCode(403).body("error", is("FORBIDDEN"));
        json().headers(Api.serviceToken(InternalCredential.MESSAGE, 0)).queryParam("ids", ids).get("/internal/v1/users").then().statusCode(200)
                .body("data", hasSize(2))
                .body("data[0].id", is((int) a.id()))
                .body("data[0].username", is(a.username()))
                .body("data[0].nickname", is(a.username()))
                .body("data[0].avatar", is(""))
                .body("data[0]", not(hasKey("email")));
        String tooMany = LongStream.rangeClosed(1, 201).mapToObj(Long::toString).collect(Collectors.joining(","));
        json().headers(Api.serviceToken(InternalCredential.PRESENCE, 0)).queryParam("ids", tooMany).get("/internal/v1/users").then()
                .statusCode(400).body("fields.ids", notNullValue());
        String max = LongStream.rangeClosed(1, 200).mapToObj(Long::toString).collect(Collectors.joining(","));
        json().headers(Api.serviceToken(InternalCredential.PRESENCE, 0)).queryParam("ids", max).get("/internal/v1/users").then().statusCode(200);
        json().headers(Api.serviceToken(InternalCredential.PRESENCE, 0)).queryParam("ids", "1,x").get("/internal/v1/users").then().statusCode(400);
    }
}
