package io.imsystem.presence;

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
    void internalRoutesWithoutXServiceAreForbidden() {
        long user = newUserId();
        given().auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(403).body("code", equalTo(403)).body("error", equalTo("FORBIDDEN"));
        given().delete("/internal/v1/connections/" + newConnId())
                .then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        assertEquals(0L, redis.hash(String.class).hlen(keys.route(user)));
    }

    @Test
    void registeringAConnectionOfAnotherUserIsForbidden() {
        long user = newUserId();
        long other = newUserId();
        given().header("X-Service", "gateway-service").auth().oauth2(token(other)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(403).body("error", equalTo("FORBIDDEN"));
        assertEquals(0L, redis.hash(String.class).hlen(keys.route(user)));
    }

    @Test
    void registeringWithoutTokenIsUnauthorized() {
        given().header("X-Service", "gateway-service").contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", 5, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(401).body("code", equalTo(401));
    }

    @Test
    void registeringWithABadBodyIsRejected() {
        long user = newUserId();
        given().header("X-Service", "gateway-service").auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", "a,b:c", "user_id", user, "gateway_id", "gw-a"))
                .post("/internal/v1/connections")
                .then().statusCode(400).body("error", equalTo("VALIDATION_FAILED")).body("fields.conn_id", notNullValue());
        given().header("X-Service", "gateway-service").auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body(Map.of("conn_id", newConnId(), "user_id", user))
                .post("/internal/v1/connections")
                .then().statusCode(400).body("fields.gateway_id", notNullValue());
    }
}
