package io.imsystem.message;

import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenApiTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void everyPublicRouteIsDocumented() {
        Management.on(management).accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/messages/send"))
                .body(containsString("/api/v1/messages/offline"))
                .body(containsString("/api/v1/messages/sync"))
                .body(containsString("/api/v1/conversations/{user_id}/messages"))
                .body(containsString("/api/v1/messages/conversation-list"))
                .body(containsString("/api/v1/groups/{group_id}/members/{user_id}"))
                .body(containsString("/api/v1/groups/{group_id}/messages"))
                .body(containsString("/api/v1/messages/groups/{group_id}/read"))
                .body(containsString("Send a private or group message"));
    }
}
