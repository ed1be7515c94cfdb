package io.imsystem.gateway;

import static org.hamcrest.Matchers.nullValue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** REST routing through the gateway: unchanged answers, our own forwarding headers, envelope errors. */
@QuarkusTest
@QuarkusTestResource(BackendStubs.class)
class RestRoutingTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void answersPassThroughUnchangedWithTheRequestId() {
        given().urlEncodingEnabled(false).header("X-Request-Id", "req-42").header("X-Forwarded-For", "6.6.6.6")
                .get("/api/v1/messages/echo?a=1&b=%20x")
                .then().statusCode(418).header("X-Backend", "message").header("X-Request-Id", "req-42")
                .body("query", equalTo("a=1&b=%20x"))
                .body("request_id", equalTo("req-42"))
                // the gateway's own word, with its service token; the client's X-Forwarded-For is not passed on
                .body("client_address", equalTo("127.0.0.1"))
                .body("token_from", equalTo("gateway-service"))
                .body("forwarded_for", nullValue());
        // a client's own X-Client-Address or service token header is replaced, not passed on
        given().header("X-Client-Address", "6.6.6.6").header("X-Service-Token", "forged").get("/api/v1/messages/echo")
                .then().statusCode(418).body("client_address", equalTo("127.0.0.1")).body("token_from", equalTo("gateway-service"));
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
    void healthAnswersFromCachedChecks() {
        given().get("/health").then().statusCode(200);
        long before = BackendStubs.healthChecks.get();
        for (int i = 0; i < 50; i++) {
            given().get("/health").then().statusCode(200).body("data.checks.message", equalTo("ok"));
        }
        // message and presence (one stub) once per check: at most two checks in these 50 requests
        assertTrue(BackendStubs.healthChecks.get() - before <= 4, "checks: " + (BackendStubs.healthChecks.get() - before));
    }

    @Test
    void operationsEndpointsAreOnTheManagementPortOnly() {
        for (String path : new String[] {"/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/"}) {
            given().get(path).then().statusCode(404);
        }
        Management.on(management).get("/q/health/ready").then().statusCode(200);
        Management.on(management).get("/q/openapi").then().statusCode(200);
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
        String metrics = Management.on(management).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("uri=\"/api/v1/messages/{message_id}/read\""), "server side, by template");
        assertTrue(metrics.contains("uri=\"/api/v1/groups/{group_id}/members\""));
        assertFalse(metrics.contains("/api/v1/messages/900001"), "no raw path as a tag");
        assertFalse(metrics.contains("/api/v1/groups/800001"));
    }
}
