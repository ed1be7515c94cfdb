package io.imsystem.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.imsystem.common.testing.PackagedJarResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged jar in the prod profile: it starts, serves the page and guards its edges. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedJarResource.class, restrictToAnnotatedClass = true)
class PackagedGatewayIT {

    @Test
    void startsServesThePageAndGuardsItsEdges() {
        given().get("/q/health/ready").then().statusCode(404);
        given().port(PackagedJarResource.managementPort()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/").then().statusCode(200).body(containsString("IM chat"));
        given().get("/internal/v1/connections").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        given().header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").get("/ws?token=forged")
                .then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
    }
}
