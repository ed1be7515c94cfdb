package io.imsystem.presence;

import static io.imsystem.presence.TestSupport.newUserId;
import static io.imsystem.presence.TestSupport.token;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presence queries take tokens of the caller's bucket, shared by the three routes. */
@QuarkusTest
@TestProfile(PresenceRateLimitTest.SmallBucket.class)
class PresenceRateLimitTest {

    public static class SmallBucket implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("im.rate-limit.limits.presence.burst", "3", "im.rate-limit.limits.presence.per-minute", "0.1");
        }
    }

    @Test
    void presenceQueriesBeyondTheBucketAre429() {
        long me = newUserId();
        String bearer = "Bearer " + token(me);
        Response first = given().header("Authorization", bearer).get("/api/v1/users/online");
        first.then().statusCode(200);
        assertEquals("3", first.header("X-RateLimit-Limit"));
        assertEquals("2", first.header("X-RateLimit-Remaining"));
        given().header("Authorization", bearer).get("/api/v1/users/online/" + newUserId()).then().statusCode(404); // unknown to auth, still counted
        given().header("Authorization", bearer).get("/api/v1/presence?ids=1,2").then().statusCode(200);
        Response refused = given().header("Authorization", bearer).get("/api/v1/presence?ids=1,2");
        refused.then().statusCode(429).body("error", is("RATE_LIMITED"));
        assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
        // Without a token: 401, not a bucket of nobody.
        given().get("/api/v1/users/online").then().statusCode(401);
        given().header("Authorization", "Bearer " + token(newUserId())).get("/api/v1/users/online").then().statusCode(200);
    }
}
