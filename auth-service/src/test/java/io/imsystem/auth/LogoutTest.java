package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LogoutTest {

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    @Test
    void loggedOutTokenIsRefusedAtOnceAndItsRefreshTokenToo() {
        Api.Session s = Api.registerUser();
        bearer(s.accessToken()).get("/api/v1/users/profile").then().statusCode(200);
        bearer(s.accessToken()).post("/api/v1/users/logout").then().statusCode(200)
                .body("code", is(0)).body("data", nullValue());
        bearer(s.accessToken()).get("/api/v1/users/profile").then().statusCode(401)
                .body("code", is(401)).body("error", is("TOKEN_INVALID"));
        bearer(s.accessToken()).post("/api/v1/users/logout").then().statusCode(401);
        json().body(Map.of("refresh_token", s.refreshToken())).post("/api/v1/auth/refresh").then().statusCode(401)
                .body("error", is("TOKEN_INVALID"));
    }

    @Test
    void logoutEndsTheWholeSessionIncludingTokensFromBeforeARefresh() {
        Api.Session s = Api.registerUser();
        var refreshed = json().body(Map.of("refresh_token", s.refreshToken())).post("/api/v1/auth/refresh");
        refreshed.then().statusCode(200);
        String newAccess = refreshed.jsonPath().getString("data.access_token");
        bearer(newAccess).post("/api/v1/users/logout").then().statusCode(200);
        bearer(s.accessToken()).get("/api/v1/users/profile").then().statusCode(401).body("error", is("TOKEN_INVALID"));
        json().body(Map.of("refresh_token", refreshed.jsonPath().getString("data.refresh_token")))
                .post("/api/v1/auth/refresh").then().statusCode(401);
    }

    @Test
    void revocationLivesAsLongAsTheToken() {
        Api.Session s = Api.registerUser();
        bearer(s.accessToken()).post("/api/v1/users/logout").then().statusCode(200);
        String jti = claim(s.accessToken(), "jti");
        long ttl = redis.key().ttl(keys.revoked(jti));
        assertTrue(ttl > 24 * 3600 - 60 && ttl <= 24 * 3600, "ttl " + ttl);
    }

    @Test
    void otherSessionsOfTheUserKeepWorking() {
        Api.Session s = Api.registerUser();
        var other = Api.login(s.username(), Api.PASSWORD, Api.newAddress());
        bearer(s.accessToken()).post("/api/v1/users/logout").then().statusCode(200);
        bearer(other.jsonPath().getString("data.access_token")).get("/api/v1/users/profile").then().statusCode(200);
        json().body(Map.of("refresh_token", other.jsonPath().getString("data.refresh_token")))
                .post("/api/v1/auth/refresh").then().statusCode(200);
    }

    @Test
    void logoutTellsEveryGatewayHoldingASocketAndPresence() {
        Api.Session s = Api.registerUser();
        String gwA = "gw-test-" + UUID.randomUUID();
        String gwB = "gw-test-" + UUID.randomUUID();
        var routes = redis.hash(String.class);
        routes.hset(keys.route(s.id()), Map.of("conn-1", gwA, "conn-2", gwA, "conn-3", gwB));
        long since = System.currentTimeMillis() - 1000;
        try {
            bearer(s.accessToken()).post("/api/v1/users/logout").then().statusCode(200);
            String jti = claim(s.accessToken(), "jti");
            for (String gw : List.of(gwA, gwB)) {
                List<StreamMessage<String, String, String>> entries = Api.entriesSince(redis, keys.gatewayStream(gw), since);
                assertEquals(1, entries.size(), "one close entry per gateway, however many sockets it holds");
                assertEquals(Map.of("type", "close", "user", String.valueOf(s.id()), "session", claim(s.accessToken(), "sid"),
                        "jti", jti, "reason", "logout"), entries.get(0).payload(), "every socket of the session closes");
            }
            long logouts = Api.entriesSince(redis, keys.presenceEvents(), since).stream()
                    .filter(e -> "logout".equals(e.payload().get("type"))
                            && String.valueOf(s.id()).equals(e.payload().get("user")))
                    .count();
            assertEquals(1, logouts);
        } finally {
            redis.key().del(keys.route(s.id()), keys.gatewayStream(gwA), keys.gatewayStream(gwB));
        }
    }

    @Test
    void aReusedRefreshTokenTellsTheGatewaysToCloseTheSessionsSockets() {
        Api.Session s = Api.registerUser();
        String gw = "gw-test-" + UUID.randomUUID();
        redis.hash(String.class).hset(keys.route(s.id()), Map.of("conn-1", gw));
        long since = System.currentTimeMillis() - 1000;
        try {
            json().body(Map.of("refresh_token", s.refreshToken())).post("/api/v1/auth/refresh").then().statusCode(200);
            json().body(Map.of("refresh_token", s.refreshToken())).post("/api/v1/auth/refresh").then().statusCode(401);
            List<StreamMessage<String, String, String>> entries = Api.entriesSince(redis, keys.gatewayStream(gw), since);
            assertEquals(1, entries.size());
            assertEquals(Map.of("type", "close", "user", String.valueOf(s.id()), "session", claim(s.accessToken(), "sid"),
                    "reason", "session revoked"), entries.get(0).payload());
        } finally {
            redis.key().del(keys.route(s.id()), keys.gatewayStream(gw));
        }
    }

    @Test
    void logoutWithoutATokenIs401() {
        json().post("/api/v1/users/logout").then().statusCode(401).body("error", is("UNAUTHORIZED"));
    }

    static String claim(String jwt, String name) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(payload).getString(name);
    }
}
