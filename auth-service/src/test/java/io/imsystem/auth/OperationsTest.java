package io.imsystem.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import io.imsystem.common.testing.Management;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Operations endpoints answer on the management port, and only there. */
@QuarkusTest
class OperationsTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private io.restassured.specification.RequestSpecification management() {
        return Management.on(management);
    }

    @Test
    void operationsEndpointsAreNotOnTheServicePort() {
        for (String path : new String[] {"/q/health/ready", "/q/health", "/q/metrics", "/q/openapi", "/q/swagger-ui/"}) {
            given().get(path).then().statusCode(404);
        }
        management().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void readinessIsUpWithDatabaseAndRedis() {
        management().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name.contains('Redis') }.status", is("UP"))
                .body("checks.find { it.name.contains('Database') }.status", is("UP"));
    }

    @Test
    void openApiDocumentsTheRoutes() {
        management().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/v1/users/register'.post.summary", notNullValue())
                .body("paths.'/api/v1/users/login'.post.summary", notNullValue())
                .body("paths.'/api/v1/auth/refresh'.post.summary", notNullValue())
                .body("paths.'/api/v1/users/logout'.post.summary", notNullValue())
                .body("paths.'/api/v1/users/profile'.get.summary", notNullValue())
                .body("paths.'/api/v1/users/list'.get.summary", notNullValue())
                .body("paths.'/.well-known/jwks.json'.get.summary", notNullValue())
                .body("paths.'/internal/v1/users'.get.summary", notNullValue())
                .body("paths.'/api/v1/friends/request'.post.summary", notNullValue())
                .body("paths.'/api/v1/friends/accept'.post.summary", notNullValue())
                .body("paths.'/api/v1/friends/reject'.post.description", containsString("cancel"))
                .body("paths.'/api/v1/friends/requests'.get.summary", notNullValue())
                .body("paths.'/api/v1/friends/list'.get.summary", notNullValue())
                .body("paths.'/api/v1/friends/{user_id}'.delete.summary", notNullValue())
                .body("paths.'/api/v1/users/{user_id}/block'.post.summary", notNullValue())
                .body("paths.'/api/v1/users/{user_id}/block'.delete.summary", notNullValue())
                .body("paths.'/api/v1/users/blocks'.get.summary", notNullValue())
                .body("paths.'/internal/v1/relations'.get.summary", notNullValue());
    }

    @Test
    void unknownRoutesAnswer404InTheEnvelope() {
        given().get("/api/v1/nothing-here").then().statusCode(404).body("code", is(404)).body("error", is("NOT_FOUND"));
    }

    @Test
    void wrongMethodAnswers405InTheEnvelope() {
        given().delete("/api/v1/users/register").then().statusCode(405).body("code", is(405))
                .header("X-Request-Id", notNullValue());
    }

    @Test
    void metricsArePublished() {
        management().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
    }
}
