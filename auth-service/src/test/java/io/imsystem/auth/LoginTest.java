package io.imsystem.auth;

import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.login;
import static io.imsystem.auth.Api.newAddress;
import static io.imsystem.auth.Api.newName;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LoginTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Test
    void loginAcceptsEverySpellingOfTheLoginName() {
        Api.Session s = Api.registerUser();
        String address = newAddress();
        for (String field : List.of("usernameOrEmail", "username_or_email", "username", "email")) {
            String name = field.equals("email") ? s.username() + "@example.com" : s.username();
            json().headers(Api.viaGateway(address)).body(Map.of(field, name, "password", Api.PASSWORD))
                    .post("/api/v1/users/login").then().statusCode(200)
                    .body("code", is(0))
                    .body("data.user.id", is((int) s.id()))
                    .body("data.user.email", is(s.username() + "@example.com"))
                    .body("data.access_token", notNullValue())
                    .body("data.refresh_token", notNullValue())
                    .body("data.expires_in", is(86400));
        }
        // Email and username are both case-insensitive.
        login(s.username().toUpperCase() + "@EXAMPLE.COM", Api.PASSWORD, address).then().statusCode(200);
        login(s.username().toUpperCase(), Api.PASSWORD, address).then().statusCode(200);
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() {
        Api.Session s = Api.registerUser();
        Response wrong = login(s.username(), "wrong password!", newAddress());
        Response unknown = login(newName(), "wrong password!", newAddress());
        for (Response r : List.of(wrong, unknown)) {
            r.then().statusCode(401).body("code", is(401)).body("error", is("INVALID_CREDENTIALS"));
        }
        assertEquals(wrong.jsonPath().getString("message"), unknown.jsonPath().getString("message"));
    }

    @Test
    void missingLoginNameOrPasswordIs400WithTheField() {
        json().body(Map.of("password", Api.PASSWORD)).post("/api/v1/users/login").then().statusCode(400)
                .body("error", is("VALIDATION_FAILED")).body("fields.username_or_email", notNullValue());
        json().body(Map.of("username", "someone")).post("/api/v1/users/login").then().statusCode(400)
                .body("fields.password", notNullValue());
    }

    @Test
    void fiveFailuresLockTheAccountFromThatAddressEvenForTheRightPassword() {
        Api.Session s = Api.registerUser();
        String address = newAddress();
        for (int i = 0; i < 5; i++) {
            login(s.username(), "wrong password " + i, address).then().statusCode(401);
        }
        Response locked = login(s.username(), Api.PASSWORD, address);
        locked.then().statusCode(429).body("code", is(429)).body("error", is("RATE_LIMITED"));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);
        // The lock is of this account from this address, by email too.
        login(s.username() + "@example.com", Api.PASSWORD, address).then().statusCode(429);
        // A stranger's failures do not lock the owner out: from another address the right password works.
        login(s.username() + "@example.com", Api.PASSWORD, newAddress()).then().statusCode(200);
    }

    @Test
    void successfulLoginsDoNotCountAsFailures() {
        Api.Session s = Api.registerUser();
        String address = newAddress();
        for (int i = 0; i < 4; i++) {
            login(s.username(), "wrong password " + i, address).then().statusCode(401);
        }
        for (int i = 0; i < 3; i++) {
            login(s.username(), Api.PASSWORD, address).then().statusCode(200);
        }
        login(s.username(), "wrong password again", address).then().statusCode(401);
        login(s.username(), Api.PASSWORD, address).then().statusCode(429);
    }

    @Test
    void thirtyFailuresFromOneAddressLockThatAddressOnly() {
        Api.Session s = Api.registerUser();
        String address = newAddress();
        for (int i = 0; i < 30; i++) {
            // unknown names: each account counter stays at 1, only the address counter climbs
            login(newName(), "wrong password", address).then().statusCode(401);
        }
        login(s.username(), Api.PASSWORD, address).then().statusCode(429).body("error", is("RATE_LIMITED"));
        // X-Client-Address with the gateway's service token is the client address.
        login(s.username(), Api.PASSWORD, newAddress()).then().statusCode(200);
    }

    @Test
    void loginAndRegisterTellPresence() {
        long since = System.currentTimeMillis() - 1000;
        Api.Session s = Api.registerUser();
        login(s.username(), Api.PASSWORD, newAddress()).then().statusCode(200);
        List<StreamMessage<String, String, String>> entries = Api.entriesSince(redis, keys.presenceEvents(), since);
        long logins = entries.stream()
                .filter(e -> "login".equals(e.payload().get("type")) && String.valueOf(s.id()).equals(e.payload().get("user")))
                .count();
        assertEquals(2, logins, "one login entry for register, one for login");
    }
}
