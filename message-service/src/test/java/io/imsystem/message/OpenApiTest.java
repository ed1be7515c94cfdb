package io.imsystem.message;

import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
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
                .body(containsString("Send a private or group message"))
                .body(containsString("/api/v1/messages/{message_id}/recall"))
                .body(containsString("/api/v1/messages/{message_id}/reactions/{emoji}"))
                .body(containsString("WINDOW_PASSED"))
                // Examples of the rich-message answers: an edited message, sync with its changes.
                .body(containsString("see you at 8, not 7"))
                .body(containsString("\"changes\""));
    }

    @Test
    void routesWithExamplesKeepTheirSchemas() {
        var doc = Management.on(management).accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String route : java.util.List.of("paths.'/api/v1/messages/{message_id}'.put", "paths.'/api/v1/messages/sync'.get",
                "paths.'/api/v1/messages/{message_id}/reactions/{emoji}'.put", "paths.'/api/v1/messages/{message_id}/receipts'.get")) {
            org.junit.jupiter.api.Assertions.assertNotNull(doc.get(route + ".responses.'200'.content.'application/json'.schema"), route);
            org.junit.jupiter.api.Assertions.assertNotNull(doc.get(route + ".responses.'200'.content.'application/json'.examples"), route);
        }
        org.junit.jupiter.api.Assertions.assertNotNull(doc.get("paths.'/api/v1/messages/{message_id}'.put.requestBody.content.'application/json'.schema"));
    }
}
