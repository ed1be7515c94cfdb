package io.imsystem.presence;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.imsystem.common.testing.PackagedJarResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/** The packaged jar in the prod profile: it starts, is ready, and answers in the envelope. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedJarResource.class, restrictToAnnotatedClass = true)
class PackagedPresenceIT {

    @Test
    void startsReadyAndAnswersInTheEnvelope() {
        given().get("/q/health/ready").then().statusCode(404);
        given().port(PackagedJarResource.managementPort()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().port(PackagedJarResource.managementPort()).get("/q/openapi").then().statusCode(200);
        given().get("/api/v1/nowhere").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        given().auth().oauth2("not-a-token").get("/api/v1/users/online")
                .then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
    }
}
