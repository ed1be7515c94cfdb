package io.imsystem.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** REST routing through the gateway: unchanged answers, our own forwarding headers, envelope errors. */
@QuarkusTest
@QuarkusTestResource(BackendStubs.class)
class RestRoutingTest {

    @Test
    void answersPassThroughUnchangedWithTheRequestId() {
        given().urlEncodingEnabled(false).header("X-Request-Id", "req-42").header("X-Forwarded-For", "6.6.6.6")
                .get("/api/v1/messages/echo?a=1&b=%20x")
                .then().statusCode(418).header("X-Backend", "message").header("X-Request-Id", "req-42")
                .body("query", equalTo("a=1&b=%20x"))
                .body("request_id", equalTo("req-42"))
                .body("forwarded_for", equalTo("127.0.0.1"));
    }

    @Test
    void internalRoutesAreNeverRouted() {
        given().get("/internal/v1/connections").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
    }

    @Test
    void downBackendAnswers503InTheEnvelopeQuickly() {
        given().get("/api/v1/users/profile").then().statusCode(503).body("code", equalTo(503))
                .body("error", equalTo("UNAVAILABLE")).time(lessThan(1500L));
    }

    @Test
    void backendThatNeverAnswersGets504() {
        given().get("/api/v1/messages/slow").then().statusCode(504).body("error", equalTo("UNAVAILABLE"));
    }

    @Test
    void unknownRouteIs404AndWebPageIsServed() {
        given().get("/api/v1/nothing-here").then().statusCode(404).body("code", equalTo(404));
        given().get("/").then().statusCode(200).body(containsString("IM chat"));
        given().get("/app.js").then().statusCode(200);
    }

    @Test
    void healthReportsDegradedWhileAuthIsDown() {
        given().get("/health").then().statusCode(200).body("code", equalTo(0))
                .body("data.status", equalTo("degraded")).body("data.checks.redis", equalTo("ok"))
                .body("data.checks.auth", equalTo("down")).body("data.checks.message", equalTo("ok"));
    }

    @Test
    void proxiedRoutesAreMeteredByTheirTemplateNotTheirRawPath() {
        for (int id = 1; id <= 120; id++) {
            given().put("/api/v1/messages/" + (900_000 + id) + "/read");
            given().get("/api/v1/groups/" + (800_000 + id) + "/members");
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("uri=\"/api/v1/messages/{message_id}/read\""), "server side, by template");
        assertTrue(metrics.contains("uri=\"/api/v1/groups/{group_id}/members\""));
        assertFalse(metrics.contains("/api/v1/messages/900001"), "no raw path as a tag");
        assertFalse(metrics.contains("/api/v1/groups/800001"));
    }
}
