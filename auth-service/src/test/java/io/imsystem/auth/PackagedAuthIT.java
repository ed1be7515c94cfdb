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
    void friendsAndBlocksWorkInTheShippedJar() {
        String[] tokens = new String[2];
        int[] ids = new int[2];
        for (int i = 0; i < 2; i++) {
            String name = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            var registered = given().contentType(ContentType.JSON).body(Map.of("username", name, "password", "packaged-jar-1"))
                    .post("/api/v1/users/register").then().statusCode(200).extract();
            tokens[i] = registered.path("data.access_token");
            ids[i] = registered.path("data.user.id");
        }
        int request = given().auth().oauth2(tokens[0]).contentType(ContentType.JSON).body(Map.of("to_user_id", ids[1]))
                .post("/api/v1/friends/request").then().statusCode(200).extract().path("data.id");
        given().auth().oauth2(tokens[1]).contentType(ContentType.JSON).body(Map.of("request_id", request))
                .post("/api/v1/friends/accept").then().statusCode(200).body("data.user.id", equalTo(ids[0]));
        given().auth().oauth2(tokens[0]).get("/api/v1/friends/list").then().statusCode(200).body("data.total", equalTo(1));
        given().auth().oauth2(tokens[1]).post("/api/v1/users/" + ids[0] + "/block").then().statusCode(200);
        given().queryParam("from", ids[0]).queryParam("to", ids[1]).get("/internal/v1/relations").then().statusCode(401);
        given().header("X-Service-Token", PackagedJarResource.token("message-service", "auth-service", ids[0]))
                .queryParam("from", ids[0]).queryParam("to", ids[1])
                .get("/internal/v1/relations").then().statusCode(200)
                .body("data.blocked", equalTo(true)).body("data.friends", equalTo(false));
    }

    @Test
    void operationsRoutesAnswer() {
        given().get("/q/health/ready").then().statusCode(404);
        given().port(PackagedJarResource.managementPort()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kid", notNullValue());
        given().get("/api/v1/nowhere").then().statusCode(404).body("error", equalTo("NOT_FOUND"));
    }
}
