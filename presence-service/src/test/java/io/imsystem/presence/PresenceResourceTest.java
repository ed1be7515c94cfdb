package io.imsystem.presence;

import static io.imsystem.presence.TestSupport.newConnId;
import static io.imsystem.presence.TestSupport.newGatewayId;
import static io.imsystem.presence.TestSupport.newUserId;
import static io.imsystem.presence.TestSupport.register;
import static io.imsystem.presence.TestSupport.token;
import static io.imsystem.presence.TestSupport.unregister;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import io.quarkus.test.common.http.TestHTTPResource;
import io.imsystem.common.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The public presence routes, with auth-service's user lookup served by {@link StubUpstreamResource}. */
@QuarkusTest
class PresenceResourceTest {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static long knownUser() {
        long id = newUserId();
        StubUpstreamResource.USERS.put(id, "user" + id);
        return id;
    }

    @Test
    void onlineListShowsConnectedUsersWithUsernamesAndDevices() {
        long alice = knownUser();
        long bob = knownUser();
        long caller = knownUser();
        register(newConnId(), alice, newGatewayId());
        register(newConnId(), alice, newGatewayId());
        register(newConnId(), bob, newGatewayId());

        String token = token(caller);
        JsonPath body = given().auth().oauth2(token).get("/api/v1/users/online?page=1&page_size=100")
                .then().statusCode(200).body("code", equalTo(0))
                .body("data.online_count", greaterThanOrEqualTo(2))
                .extract().jsonPath();
        // Most recently active first: bob registered last.
        List<Map<String, Object>> users = body.getList("data.users");
        Map<String, Object> first = users.get(0);
        assertEquals(bob, ((Number) first.get("user_id")).longValue());
        Map<Long, Map<String, Object>> byId = users.stream()
                .collect(Collectors.toMap(u -> ((Number) u.get("user_id")).longValue(), u -> u));
        Map<String, Object> a = byId.get(alice);
        assertEquals("user" + alice, a.get("username"));
        assertEquals("online", a.get("status"));
        assertEquals(true, a.get("connected"));
        assertEquals(2, a.get("devices"));
        assertEquals(true, a.get("last_seen") instanceof String s && s.endsWith("Z"));
        // auth was asked with presence's service token (the stub insists on it), not with the caller's
        assertEquals(null, StubUpstreamResource.lastAuthorization, "no user's token is passed on");
    }

    @Test
    void onlineListIsPaged() {
        long caller = knownUser();
        for (int i = 0; i < 3; i++) {
            register(newConnId(), knownUser(), newGatewayId());
        }
        given().auth().oauth2(token(caller)).get("/api/v1/users/online?page=1&pageSize=2")
                .then().statusCode(200).body("data.users", hasSize(2)).body("data.online_count", greaterThanOrEqualTo(3));
        given().auth().oauth2(token(caller)).get("/api/v1/users/online")
                .then().statusCode(200).body("data.users.size()", greaterThanOrEqualTo(3));
        given().auth().oauth2(token(caller)).get("/api/v1/users/online?page=100000&page_size=100")
                .then().statusCode(200).body("data.users", hasSize(0));
    }

    @Test
    void outOfRangePagingIsRejected() {
        String token = token(knownUser());
        for (String query : List.of("page_size=0", "page_size=101", "page=0", "page=abc", "pageSize=-1")) {
            given().auth().oauth2(token).get("/api/v1/users/online?" + query)
                    .then().statusCode(400).body("code", equalTo(400)).body("error", equalTo("VALIDATION_FAILED"));
        }
    }

    @Test
    void oneUsersPresenceFollowsTheirConnections() {
        long alice = knownUser();
        String token = token(knownUser());
        given().auth().oauth2(token).get("/api/v1/users/online/" + alice)
                .then().statusCode(200).body("data.user_id", equalTo(alice))
                .body("data.online", equalTo(false)).body("data.status", equalTo("offline"))
                .body("data.last_seen", nullValue()).body("data.connected", equalTo(false)).body("data.devices", equalTo(0));

        String conn = newConnId();
        register(conn, alice, newGatewayId());
        given().auth().oauth2(token).get("/api/v1/users/online/" + alice)
                .then().statusCode(200).body("data.online", equalTo(true)).body("data.username", equalTo("user" + alice))
                .body("data.status", equalTo("online")).body("data.connected", equalTo(true)).body("data.devices", equalTo(1));

        unregister(conn);
        given().auth().oauth2(token).get("/api/v1/users/online/" + alice)
                .then().statusCode(200).body("data.online", equalTo(false)).body("data.status", equalTo("offline"))
                .body("data.last_seen", notNullValue()).body("data.devices", equalTo(0));
    }

    @Test
    void anUnknownUserIsNotFoundAndABadIdIsRejected() {
        String token = token(knownUser());
        given().auth().oauth2(token).get("/api/v1/users/online/" + newUserId())
                .then().statusCode(404).body("error", equalTo("NOT_FOUND"));
        given().auth().oauth2(token).get("/api/v1/users/online/abc")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void presenceIsStillAnsweredWithoutUsernamesWhileAuthServiceFails() {
        long alice = knownUser();
        register(newConnId(), alice, newGatewayId());
        StubUpstreamResource.authFailing = true;
        try {
            given().auth().oauth2(token(knownUser())).get("/api/v1/users/online/" + alice)
                    .then().statusCode(200).body("data.online", equalTo(true)).body("data.username", nullValue())
                    .body("data.devices", equalTo(1));
        } finally {
            StubUpstreamResource.authFailing = false;
        }
    }

    @Test
    void batchPresenceAnswersEachIdInOrder() {
        long online = knownUser();
        long offline = knownUser();
        register(newConnId(), online, newGatewayId());
        given().auth().oauth2(token(offline)).queryParam("ids", offline + "," + online + ", " + online).get("/api/v1/presence")
                .then().statusCode(200)
                .body("data.presence", hasSize(2))
                .body("data.presence[0].user_id", equalTo(offline))
                .body("data.presence[0].online", equalTo(false))
                .body("data.presence[0].status", equalTo("offline"))
                .body("data.presence[1].user_id", equalTo(online))
                .body("data.presence[1].online", equalTo(true))
                .body("data.presence[1].status", equalTo("online"))
                .body("data.presence[1].last_seen", notNullValue());
    }

    @Test
    void batchPresenceTakesAtMost200ValidIds() {
        String token = token(knownUser());
        String ids200 = LongStream.rangeClosed(1, 200).mapToObj(String::valueOf).collect(Collectors.joining(","));
        given().auth().oauth2(token).get("/api/v1/presence?ids=" + ids200)
                .then().statusCode(200).body("data.presence", hasSize(200));
        given().auth().oauth2(token).get("/api/v1/presence?ids=" + ids200 + ",201")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields.ids", notNullValue());
        for (String ids : List.of("1,abc", "", "1,,2", "0", "-5")) {
            given().auth().oauth2(token).get("/api/v1/presence?ids=" + ids).then().statusCode(400);
        }
        given().auth().oauth2(token).get("/api/v1/presence").then().statusCode(400);
    }

    @Test
    void publicRoutesNeedAToken() {
        given().get("/api/v1/users/online").then().statusCode(401).body("code", equalTo(401));
        given().get("/api/v1/presence?ids=1").then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get("/api/v1/users/online/1").then().statusCode(401);
    }

    @Test
    void readinessIncludesRedis() {
        Management.on(management).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name.contains('Redis') }.status", equalTo("UP"));
    }

    @Test
    void openApiDescribesTheRoutes() {
        Management.on(management).get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/users/online'.get.tags", org.hamcrest.Matchers.hasItem("presence"))
                .body("paths.'/api/v1/presence'.get.summary", notNullValue())
                .body("paths.'/internal/v1/connections'.post.summary", notNullValue());
    }
}
