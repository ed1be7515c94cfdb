package io.imsystem.auth;

import static io.imsystem.auth.Api.json;
import static io.imsystem.auth.Api.newAddress;
import static io.imsystem.auth.Api.newName;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.limit.RateLimiter;
import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared token buckets on auth's routes: register and login per client address, friend requests per user. */
@QuarkusTest
@TestProfile(RateLimitTest.SmallBuckets.class)
class RateLimitTest {

    public static class SmallBuckets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Buckets that refill about once in ten minutes: nothing comes back during a test.
            return Map.of("im.rate-limit.limits.register.burst", "3",
                    "im.rate-limit.limits.register.per-minute", "0.1",
                    "im.rate-limit.limits.login.burst", "4",
                    "im.rate-limit.limits.login.per-minute", "0.1",
                    "im.rate-limit.limits.friend-request.burst", "2",
                    "im.rate-limit.limits.friend-request.per-minute", "0.1");
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    /** A fresh user whose bucket is fresh too: user ids start again after each run's clean schema, the buckets in Redis do not. */
    private Api.Session freshUser() {
        Api.Session s = Api.registerUserFrom(newAddress());
        redis.key().del(keys.rateLimit(RateLimiter.FRIEND_REQUEST, RateLimiter.user(s.id())));
        return s;
    }

    private static Response register(String address) {
        String name = newName();
        return json().headers(Api.viaGateway(address))
                .body(Map.of("username", name, "password", Api.PASSWORD)).post("/api/v1/users/register");
    }

    @Test
    void registerIsLimitedPerClientAddressWithHeadersOnEveryAnswer() {
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            Response ok = register(address);
            ok.then().statusCode(200);
            assertEquals("3", ok.header("X-RateLimit-Limit"));
            assertEquals(String.valueOf(2 - i), ok.header("X-RateLimit-Remaining"));
            assertTrue(Long.parseLong(ok.header("X-RateLimit-Reset")) > 0);
        }
        Response refused = register(address);
        refused.then().statusCode(429).body("code", is(429)).body("error", is("RATE_LIMITED"));
        assertTrue(Long.parseLong(refused.header("Retry-After")) > 0, "Retry-After " + refused.header("Retry-After"));
        assertEquals("0", refused.header("X-RateLimit-Remaining"));
        assertEquals("3", refused.header("X-RateLimit-Limit"));
        // Another address is not affected.
        register(newAddress()).then().statusCode(200);
    }

    @Test
    void aRefusedRegistrationCreatesNoUser() {
        String address = newAddress();
        for (int i = 0; i < 3; i++) {
            register(address).then().statusCode(200);
        }
        String name = newName();
        json().headers(Api.viaGateway(address)).body(Map.of("username", name, "password", Api.PASSWORD))
                .post("/api/v1/users/register").then().statusCode(429);
        // the name is still free
        json().headers(Api.viaGateway(newAddress())).body(Map.of("username", name, "password", Api.PASSWORD))
                .post("/api/v1/users/register").then().statusCode(200);
    }

    @Test
    void loginCallsArePerAddressToo() {
        Api.Session s = Api.registerUserFrom(newAddress());
        String address = newAddress();
        for (int i = 0; i < 4; i++) {
            Response r = Api.login(s.username(), Api.PASSWORD, address);
            r.then().statusCode(200);
            assertNotNull(r.header("X-RateLimit-Remaining"));
        }
        Api.login(s.username(), Api.PASSWORD, address).then().statusCode(429).body("error", is("RATE_LIMITED"));
        Api.login(s.username(), Api.PASSWORD, newAddress()).then().statusCode(200);
    }

    @Test
    void friendRequestsArePerUser() {
        Api.Session a = freshUser();
        Api.Session b = freshUser();
        Api.Session c = freshUser();
        Api.Session d = freshUser();
        Response first = Api.requestFriend(a, b.id(), null);
        first.then().statusCode(200);
        assertEquals("2", first.header("X-RateLimit-Limit"));
        assertEquals("1", first.header("X-RateLimit-Remaining"));
        // A rejected request cannot be sent again and again: re-sends take tokens as well.
        long id = first.jsonPath().getLong("data.id");
        Api.bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/reject").then().statusCode(200);
        Api.requestFriend(a, b.id(), null).then().statusCode(200);
        Response refused = Api.requestFriend(a, c.id(), null);
        refused.then().statusCode(429).body("error", is("RATE_LIMITED"));
        assertNotNull(refused.header("Retry-After"));
        // The bucket is a's alone.
        Api.requestFriend(d, c.id(), null).then().statusCode(200);
    }
}
