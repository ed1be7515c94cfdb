package io.imsystem.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.imsystem.common.testing.PackagedJarResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The packaged jar in the prod profile: accounts and tokens work as shipped. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedJarResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "database", value = "im_auth_test"))
class PackagedAuthIT {

    @Test
    void registerLoginProfileAndLogoutWorkInTheShippedJar() {
        String name = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "packaged-jar-1"))
                .post("/api/v1/users/register").then().statusCode(200).body("data.user.username", equalTo(name));
        String token = given().contentType(ContentType.JSON).body(Map.of("usernameOrEmail", name, "password", "packaged-jar-1"))
                .post("/api/v1/users/login").then().statusCode(200).extract().path("data.access_token");
        given().auth().oauth2(token).get("/api/v1/users/profile").then().statusCode(200).body("data.username", equalTo(name));
        given().auth().oauth2(token).post("/api/v1/users/logout").then().statusCode(200);
        given().auth().oauth2(token).get("/api/v1/users/profile").then().statusCode(401).body("error", equalTo("TOKEN_INVALID"));
    }

    @Test
    void operationsRoutesAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kid", notNullValue());
        given().get("/api/v1/nowhere").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
    }
}
