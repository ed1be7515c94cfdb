package io.imsystem.presence;

import io.imsystem.common.testing.ServiceTokens;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.jwt.build.Jwt;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.jwt.Claims;

/** Shared helpers of the tests: tokens, fresh ids, the real Redis under the test prefix, polling. */
public final class TestSupport {

    private TestSupport() {
    }

    /** A user id no other test uses. */
    public static long newUserId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000_000L);
    }

    public static String newGatewayId() {
        return "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String newConnId() {
        return UUID.randomUUID().toString();
    }

    public static String token(long userId) {
        return Jwt.issuer("im-system").subject(String.valueOf(userId)).claim("username", "user" + userId)
                .claim(Claims.jti.name(), UUID.randomUUID().toString()).sign();
    }

    /** The user each connection registered here was registered for (the gateway knows it; the test remembers it). */
    private static final Map<String, Long> OWNERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The gateway's service token for presence, acting for {@code userId} (0: none). */
    public static String gatewayToken(long userId) {
        return ServiceTokens.of(InternalCredential.GATEWAY, InternalCredential.PRESENCE, userId);
    }

    /** The gateway's register call, as docs/ARCHITECTURE.md fixes it. */
    public static ValidatableResponse register(String connId, long userId, String gatewayId) {
        OWNERS.put(connId, userId);
        return RestAssured.given().header(InternalCredential.HEADER, gatewayToken(0)).auth().oauth2(token(userId))
                .contentType(ContentType.JSON)
                .body(Map.of("conn_id", connId, "user_id", userId, "gateway_id", gatewayId))
                .post("/internal/v1/connections").then();
    }

    /** The gateway's close of a connection, with a token for the user it was registered for (any user for an unknown one). */
    public static ValidatableResponse unregister(String connId) {
        return unregister(connId, OWNERS.getOrDefault(connId, 1L));
    }

    public static ValidatableResponse unregister(String connId, long userId) {
        return RestAssured.given().header(InternalCredential.HEADER, gatewayToken(userId)).delete("/internal/v1/connections/" + connId).then();
    }

    public static void heartbeat(RedisDataSource redis, Keys keys, String gatewayId, String conns) {
        redis.stream(String.class).xadd(keys.presenceEvents(),
                Map.of(StreamFields.TYPE, StreamFields.HEARTBEAT, StreamFields.GATEWAY, gatewayId, StreamFields.CONNS, conns));
    }

    public static void event(RedisDataSource redis, Keys keys, Map<String, String> fields) {
        redis.stream(String.class).xadd(keys.presenceEvents(), fields);
    }

    /** Deletes every key under this module's test prefix (what a Redis loss looks like to us), nothing else. */
    public static void deleteAllTestKeys(RedisDataSource redis, Keys keys) {
        List<String> all = new java.util.ArrayList<>();
        redis.key().scan(new KeyScanArgs().match(keys.prefix() + "*").count(1000)).toIterable().forEach(all::add);
        if (!all.isEmpty()) {
            redis.key().del(all.toArray(String[]::new));
        }
    }

    /** Retries the assertion until it holds or the time is up (then its last failure is thrown). */
    public static void eventually(Duration timeout, Runnable assertion) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            sleep(100);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
