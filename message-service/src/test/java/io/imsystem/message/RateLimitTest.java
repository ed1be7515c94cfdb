package io.imsystem.message;

import static io.imsystem.message.TestUsers.as;
import static io.imsystem.message.TestUsers.chat;
import static io.imsystem.message.TestUsers.newUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shared token buckets on message's routes: one send bucket per user for REST and the gateways'
 * batches (a limited batch item fails alone), sync, group creation and member changes.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallBuckets.class)
class RateLimitTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    public static class SmallBuckets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Buckets that refill about once in ten minutes: nothing comes back during a test.
            return Map.of("im.rate-limit.limits.send.burst", "3",
                    "im.rate-limit.limits.send.per-minute", "0.1",
                    "im.rate-limit.limits.sync.burst", "2",
                    "im.rate-limit.limits.sync.per-minute", "0.1",
                    "im.rate-limit.limits.group-create.burst", "1",
                    "im.rate-limit.limits.group-create.per-minute", "0.1",
                    "im.rate-limit.limits.group-members.burst", "2",
                    "im.rate-limit.limits.group-members.per-minute", "0.1");
        }
    }

    @Inject
    EntityManager em;

    private long stored(long sender) {
        return em.createQuery("select count(m) from Message m where m.senderId = :u", Long.class).setParameter("u", sender)
                .getSingleResult();
    }

    @Test
    void restSendsBeyondTheBucketAre429WithRetryAfterAndStoreNothing() {
        long alice = newUser();
        long bob = newUser();
        for (int i = 0; i < 3; i++) {
            Response ok = as(alice).body(chat(bob, "hello " + i)).post("/api/v1/messages/send");
            ok.then().statusCode(200);
            assertEquals("3", ok.header("X-RateLimit-Limit"));
            assertEquals(String.valueOf(2 - i), ok.header("X-RateLimit-Remaining"));
            assertTrue(Long.parseLong(ok.header("X-RateLimit-Reset")) > 0);
        }
        Response refused = as(alice).body(chat(bob, "one too many")).post("/api/v1/messages/send");
        refused.then().statusCode(429).body("code", is(429)).body("error", is("RATE_LIMITED"));
        assertTrue(Long.parseLong(refused.header("Retry-After")) > 0);
        assertEquals("0", refused.header("X-RateLimit-Remaining"));
        assertEquals(3, stored(alice));
        // Bob's bucket is his own.
        as(bob).body(chat(alice, "hi back")).post("/api/v1/messages/send").then().statusCode(200);
    }

    @Test
    void aBadRequestStillReportsTheBucket() {
        long alice = newUser();
        Response bad = as(alice).body(Map.of("receiver_id", newUser(), "content", " ")).post("/api/v1/messages/send");
        bad.then().statusCode(400);
        assertEquals("2", bad.header("X-RateLimit-Remaining"));
    }

    @Test
    void batchedSendsShareTheUsersBucketAndALimitedItemFailsAlone() {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        as(alice).body(chat(bob, "over REST first")).post("/api/v1/messages/send").then().statusCode(200);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            items.add(Map.of("op", "chat", "user_id", alice, "conn", "a1",
                    "chat", Map.of("receiver_id", bob, "content", "ws " + i, "client_msg_id", "rl-" + alice + "-" + i)));
            if (i == 1) {
                items.add(Map.of("op", "chat", "user_id", carol, "conn", "c1",
                        "chat", Map.of("receiver_id", bob, "content", "from carol", "client_msg_id", "rl-c-" + carol)));
            }
        }
        JsonPath answer = FrameBatchTest.post(Map.of("items", items))
                .then().statusCode(200).body("code", equalTo(0)).extract().jsonPath();
        // alice had 2 tokens left: her first two frames go, her last two are refused; carol's goes.
        List<Integer> statuses = answer.getList("data.results.status", Integer.class);
        assertEquals(List.of(200, 200, 200, 429, 429), statuses);
        assertEquals("RATE_LIMITED", answer.getString("data.results[3].error"));
        assertEquals("RATE_LIMITED", answer.getString("data.results[4].error"));
        assertEquals(3, stored(alice));
        assertEquals(1, stored(carol));
        // REST is refused as well now: one bucket.
        as(alice).body(chat(bob, "REST again")).post("/api/v1/messages/send").then().statusCode(429);
    }

    @Test
    void syncIsLimitedPerUser() {
        long alice = newUser();
        as(alice).get("/api/v1/messages/sync?after_seq=0").then().statusCode(200);
        as(alice).get("/api/v1/messages/sync?after_seq=0").then().statusCode(200);
        as(alice).get("/api/v1/messages/sync?after_seq=0").then().statusCode(429).body("error", is("RATE_LIMITED"));
        as(newUser()).get("/api/v1/messages/sync?after_seq=0").then().statusCode(200);
    }

    @Test
    void groupCreationAndMemberChangesAreLimitedPerUser() {
        long owner = newUser();
        long a = newUser();
        long b = newUser();
        long c = newUser();
        long group = TestGroups.create(owner, List.of(a));
        as(owner).body(Map.of("name", "second", "member_ids", List.of(a))).post("/api/v1/groups").then().statusCode(429)
                .body("error", is("RATE_LIMITED"));
        as(owner).body(Map.of("user_ids", List.of(b))).post("/api/v1/groups/" + group + "/members").then().statusCode(200);
        as(owner).delete("/api/v1/groups/" + group + "/members/" + b).then().statusCode(200);
        as(owner).body(Map.of("user_ids", List.of(c))).post("/api/v1/groups/" + group + "/members").then().statusCode(429);
        // Reading is not limited, and another user's bucket is full.
        as(owner).get("/api/v1/groups/" + group).then().statusCode(200).body("data.member_count", is(2));
        as(a).delete("/api/v1/groups/" + group + "/members/" + a).then().statusCode(200);
    }

    @Test
    void openApiDocumentsTheHeadersAndThe429() {
        String doc = Management.on(management).accept("application/json").get("/q/openapi").then().statusCode(200).extract().asString();
        JsonPath api = new JsonPath(doc);
        Map<String, Object> send = api.getMap("paths.'/api/v1/messages/send'.post.responses");
        assertTrue(send.containsKey("429"), "429 documented: " + send.keySet());
        assertTrue(api.getMap("paths.'/api/v1/messages/send'.post.responses.'200'.headers").containsKey("X-RateLimit-Remaining"));
        assertTrue(api.getMap("paths.'/api/v1/messages/send'.post.responses.'429'.headers").containsKey("Retry-After"));
    }
}
