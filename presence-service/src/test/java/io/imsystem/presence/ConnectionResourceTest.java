package io.imsystem.presence;

import java.util.List;
import io.imsystem.common.testing.ServiceTokens;
import io.imsystem.common.security.InternalCredential;
import static io.imsystem.presence.TestSupport.gatewayToken;
import static io.imsystem.presence.TestSupport.newConnId;
import static io.imsystem.presence.TestSupport.newGatewayId;
import static io.imsystem.presence.TestSupport.newUserId;
import static io.imsystem.presence.TestSupport.register;
import static io.imsystem.presence.TestSupport.token;
import static io.imsystem.presence.TestSupport.unregister;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConnectionResourceTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Test
    void registeringRoutesTheConnectionAndMarksTheUserOnline() {
        long user = newUserId();
        String conn = newConnId();
        String gw = newGatewayId();
        long before = System.currentTimeMillis();

        register(conn, user, gw).statusCode(200).body("code", equalTo(0)).body("data.devices", equalTo(1));

        assertEquals(Map.of(conn, gw), redis.hash(String.class).hgetall(keys.route(user)));
        java.util.OptionalDouble score = redis.sortedSet(String.class).zscore(keys.online(), String.valueOf(user));
        assertTrue(score.isPresent());
        assertTrue(score.getAsDouble() >= before, "online score is the time of the register");
        Map<String, String> presence = redis.hash(String.class).hgetall(keys.presence(user));
        assertEquals("online", presence.get("status"));
        assertEquals("1", presence.get("devices"));
        assertNotNull(presence.get("last_seen"));
    }

    @Test
    void devicesCountEveryConnectionAcrossGatewaysAndTheLastCloseTakesTheUserOffline() {
        long user = newUserId();
        String phone = newConnId();
        String laptop = newConnId();
        String tab = newConnId();
        String gwA = newGatewayId();
        String gwB = newGatewayId();

        register(phone, user, gwA).body("data.devices", equalTo(1));
        register(laptop, user, gwB).body("data.devices", equalTo(2));
        register(tab, user, gwB).body("data.devices", equalTo(3));
        assertEquals(Map.of(phone, gwA, laptop, gwB, tab, gwB), redis.hash(String.class).hgetall(keys.route(user)));

        unregister(laptop).statusCode(200).body("data.devices", equalTo(2));
        unregister(phone).body("data.devices", equalTo(1));
        assertEquals("online", redis.hash(String.class).hget(keys.presence(user), "status"));
        assertEquals(Map.of(tab, gwB), redis.hash(String.class).hgetall(keys.route(user)));

        unregister(tab).body("data.devices", equalTo(0));
        assertEquals(Map.of(), redis.hash(String.class).hgetall(keys.route(user)));
        assertTrue(redis.sortedSet(String.class).zscore(keys.online(), String.valueOf(user)).isEmpty());
        Map<String, String> presence = redis.hash(String.class).hgetall(keys.presence(user));
        assertEquals("offline", presence.get("status"));
        assertEquals("0", presence.get("devices"));
        assertNotNull(presence.get("last_seen"), "last_seen is kept when the user goes offline");
    }

    @Test
    void closingTwiceOrAnUnknownConnectionAnswersZeroDevices() {
        long user = newUserId();
        String conn = newConnId();
        register(conn, user, newGatewayId()).body("data.devices", equalTo(1));
        unregister(conn).body("data.devices", equalTo(0));
        unregister(conn).statusCode(200).body("data.devices", equalTo(0));
        unregister(newConnId()).statusCode(200).body("code", equalTo(0)).body("data.devices", equalTo(0));
    }

    @Test
    void internalRoutesWithoutTheGatewaysServiceTokenDoNothing() {
        long user = newUserId();
        String gw = InternalCredential.GATEWAY;
        String presence = InternalCredential.PRESENCE;
        // no token, a name, a forged one, an expired one: 401
        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("X-Service", gw),
                Map.of(InternalCredential.HEADER, ServiceTokens.forged(gw, presence, 0)),
                Map.of(InternalCredential.HEADER, ServiceTokens.expired(gw, presence, 0)))) {
            given().headers(headers).auth().oauth2(token(user)).contentType(ContentType.JSON)
                    .body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                    .post("/internal/v1/connections")
                    .then().statusCode(401).body("code", equalTo(401));
        }
        // message's real token: presence holds no key of message, so it is not even verified (401)
        given().header(InternalCredential.HEADER, ServiceTokens.of(InternalCredential.MESSAGE, presence)).auth().oauth2(token(user))
                .contentType(ContentType.JSON).body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections").then().statusCode(401);
        // a valid token of a service that may not register connections (presence's own): 403
        given().header(InternalCredential.HEADER, ServiceTokens.of(presence, presence)).auth().oauth2(token(user))
                .contentType(ContentType.JSON).body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections").then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        assertEquals(0L, redis.hash(String.class).hlen(keys.route(user)));

        // A live connection is closed only for its own user.
        String conn = newConnId();
        register(conn, user, "gw-a").statusCode(200);
        for (String bad : List.of(ServiceTokens.forged(gw, presence, user), ServiceTokens.expired(gw, presence, user))) {
            given().header(InternalCredential.HEADER, bad).delete("/internal/v1/connections/" + conn).then().statusCode(401);
        }
        given().delete("/internal/v1/connections/" + conn).then().statusCode(401).body("error", equalTo("UNAUTHORIZED"));
        given().header("X-Service", gw).delete("/internal/v1/connections/" + conn).then().statusCode(401);
        unregister(conn, user + 1).statusCode(403).body("error", equalTo("FORBIDDEN"));
        given().header(InternalCredential.HEADER, gatewayToken(0)).delete("/internal/v1/connections/" + conn).then().statusCode(403);
        assertEquals(1L, redis.hash(String.class).hlen(keys.route(user)), "still registered");
        unregister(conn, user).statusCode(200).body("data.devices", equalTo(0));
        assertEquals(0L, redis.hash(String.class).hlen(keys.route(user)));
    }

    @Test
    void registeringAConnectionOfAnotherUserIsForbidden() {
        long user = newUserId();
        long other = newUserId();
        given().header(InternalCredential.HEADER, gatewayToken(0)).auth().oauth2(token(other)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        assertEquals(0L, redis.hash(String.class).hlen(keys.route(user)));
    }

    @Test
    void registeringWithoutTokenIsUnauthorized() {
        given().header(InternalCredential.HEADER, gatewayToken(0)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", 5, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(401).body("code", equalTo(401));
    }

    @Test
    void registeringWithABadBodyIsRejected() {
        long user = newUserId();
        given().header(InternalCredential.HEADER, gatewayToken(0)).auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", "a,b:c", "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields.conn_id", notNullValue());
        given().header(InternalCredential.HEADER, gatewayToken(0)).auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", user))
                .post("/internal/v1/connections")
                .then().statusCode(400).body("fields.gateway_id", notNullValue());
    }
}
