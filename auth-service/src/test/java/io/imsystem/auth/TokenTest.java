package io.imsystem.auth;

import static io.imsystem.auth.Api.bearer;
import static io.imsystem.auth.Api.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.imsystem.auth.model.RefreshToken;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TokenTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Test
    void accessTokenCarriesTheAgreedClaims() {
        Api.Session s = Api.registerUser();
        String[] parts = s.accessToken().split("\\.");
        JsonPath header = JsonPath.from(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        JsonPath claims = JsonPath.from(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        assertEquals("RS256", header.getString("alg"));
        assertEquals("im-system", claims.getString("iss"));
        assertEquals(String.valueOf(s.id()), claims.getString("sub"));
        assertEquals(s.username(), claims.getString("username"));
        assertNotNull(UUID.fromString(claims.getString("jti")));
        assertNotNull(UUID.fromString(claims.getString("sid")));
        assertEquals(24 * 3600, claims.getLong("exp") - claims.getLong("iat"));
        // kid names the key published in the JWKS
        given().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys", hasSize(1))
                .body("keys[0].kid", is(header.getString("kid")))
                .body("keys[0].kty", is("RSA"))
                .body("keys[0].alg", is("RS256"))
                .body("keys[0].use", is("sig"))
                .body("keys[0].n", notNullValue())
                .body("keys[0].e", is("AQAB"))
                .body("keys[0]", not(org.hamcrest.Matchers.hasKey("d")));
    }

    @Test
    void testAuthDescribesTheToken() {
        Api.Session s = Api.registerUser();
        bearer(s.accessToken()).get("/api/v1/users/test-auth").then().statusCode(200)
                .body("data.user_id", is((int) s.id()))
                .body("data.username", is(s.username()))
                .body("data.token_info.issuer", is("im-system"))
                .body("data.token_info.issued_at", org.hamcrest.Matchers.matchesPattern("\\d{4}-.*Z"))
                .body("data.token_info.expires_at", org.hamcrest.Matchers.matchesPattern("\\d{4}-.*Z"));
    }

    @Test
    void refreshRotatesAndASpentTokenRevokesTheWholeSession() {
        Api.Session s = Api.registerUser();
        Response first = refresh(Map.of("refresh_token", s.refreshToken()));
        first.then().statusCode(200).body("code", is(0)).body("data.expires_in", is(86400));
        String next = first.jsonPath().getString("data.refresh_token");
        String access = first.jsonPath().getString("data.access_token");
        assertNotEquals(s.refreshToken(), next);
        bearer(access).get("/api/v1/users/profile").then().statusCode(200).body("data.id", is((int) s.id()));

        // camelCase spelling of the original API
        Response second = refresh(Map.of("refreshToken", next));
        second.then().statusCode(200);
        String newest = second.jsonPath().getString("data.refresh_token");

        // the first token again: theft is assumed, the whole family dies, the newest token too
        refresh(Map.of("refresh_token", s.refreshToken())).then().statusCode(401)
                .body("code", is(401)).body("error", is("TOKEN_INVALID"));
        refresh(Map.of("refresh_token", newest)).then().statusCode(401).body("error", is("TOKEN_INVALID"));
        // and every access token issued in the family is denied at once, not only at its expiry
        for (String issued : new String[] {s.accessToken(), access, second.jsonPath().getString("data.access_token")}) {
            bearer(issued).get("/api/v1/users/profile").then().statusCode(401).body("error", is("TOKEN_INVALID"));
        }
    }

    @Test
    void otherSessionsSurviveTheftDetectionOfOne() {
        Api.Session s = Api.registerUser();
        Response other = Api.login(s.username(), Api.PASSWORD, Api.newAddress());
        refresh(Map.of("refresh_token", s.refreshToken())).then().statusCode(200);
        refresh(Map.of("refresh_token", s.refreshToken())).then().statusCode(401);
        bearer(other.jsonPath().getString("data.access_token")).get("/api/v1/users/profile").then().statusCode(200);
        refresh(Map.of("refresh_token", other.jsonPath().getString("data.refresh_token"))).then().statusCode(200);
    }

    @Test
    void expiredRefreshTokenIsRefusedAsExpired() throws Exception {
        Api.Session s = Api.registerUser();
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.refreshToken().getBytes(StandardCharsets.UTF_8)));
        int changed = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> RefreshToken.update(
                "expiresAt = ?1 where tokenHash = ?2", Instant.now().minusSeconds(1), hash));
        assertEquals(1, changed, "the token is stored as its SHA-256 and only so");
        refresh(Map.of("refresh_token", s.refreshToken())).then().statusCode(401).body("error", is("TOKEN_EXPIRED"));
    }

    @Test
    void concurrentUsesOfOneRefreshTokenSucceedAtMostOnce() throws Exception {
        Api.Session s = Api.registerUser();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var calls = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> refresh(Map.of("refresh_token", s.refreshToken())).statusCode()));
            }
            int ok = 0;
            for (var call : calls) {
                int status = call.get();
                org.junit.jupiter.api.Assertions.assertTrue(status == 200 || status == 401, "status " + status);
                ok += status == 200 ? 1 : 0;
            }
            org.junit.jupiter.api.Assertions.assertTrue(ok <= 1, ok + " successes");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownOrMissingRefreshTokens() {
        refresh(Map.of("refresh_token", B64.encodeToString(new byte[32]))).then().statusCode(401)
                .body("error", is("TOKEN_INVALID"));
        refresh(Map.of()).then().statusCode(400).body("fields.refresh_token", notNullValue());
    }

    @Test
    void noTokenIs401() {
        json().get("/api/v1/users/profile").then().statusCode(401).body("code", is(401)).body("error", is("UNAUTHORIZED"));
    }

    @Test
    void algNoneIsRefused() {
        Api.Session s = Api.registerUser();
        String payload = s.accessToken().split("\\.")[1];
        String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertInvalid(header + "." + payload + ".");
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        assertInvalid(sign(validClaims(), generator.generateKeyPair().getPrivate()));
    }

    @Test
    void hs256WithThePublicKeyAsSecretIsRefused() throws Exception {
        byte[] publicPem;
        try (var in = getClass().getClassLoader().getResourceAsStream("test-keys/public.pem")) {
            publicPem = in.readAllBytes();
        }
        Api.Session s = Api.registerUser();
        String claims = new String(Base64.getUrlDecoder().decode(s.accessToken().split("\\.")[1]), StandardCharsets.UTF_8);
        for (byte[] secret : new byte[][] {publicPem, KeyUtils.readPublicKey("test-keys/public.pem").getEncoded()}) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(secret));
            jws.setDoKeyValidation(false);
            assertInvalid(jws.getCompactSerialization());
        }
    }

    @Test
    void expiredTokenIsRefusedAsExpired() throws Exception {
        long now = Instant.now().getEpochSecond();
        String token = Jwt.issuer("im-system").subject("1").claim("username", "x").claim("jti", UUID.randomUUID().toString())
                .issuedAt(now - 7200).expiresAt(now - 3600)
                .jws().algorithm(SignatureAlgorithm.RS256).sign(testKey());
        bearer(token).get("/api/v1/users/profile").then().statusCode(401)
                .body("code", is(401)).body("error", is("TOKEN_EXPIRED"));
    }

    @Test
    void wrongIssuerIsRefused() throws Exception {
        long now = Instant.now().getEpochSecond();
        String token = Jwt.issuer("someone-else").subject("1").claim("username", "x").claim("jti", UUID.randomUUID().toString())
                .issuedAt(now).expiresAt(now + 3600)
                .jws().algorithm(SignatureAlgorithm.RS256).sign(testKey());
        assertInvalid(token);
    }

    @Test
    void garbageIsRefused() {
        assertInvalid("garbage");
        assertInvalid("a.b.c");
        assertInvalid("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.AAAA");
    }

    @Test
    void aWellSignedTokenOfOurOwnIsAcceptedByTheSameCheck() throws Exception {
        // guards the attack tests above: the crafting helper itself makes tokens the service accepts
        Api.Session s = Api.registerUser();
        long now = Instant.now().getEpochSecond();
        String token = Jwt.issuer("im-system").subject(String.valueOf(s.id())).claim("username", s.username())
                .claim("jti", UUID.randomUUID().toString()).issuedAt(now).expiresAt(now + 600)
                .jws().algorithm(SignatureAlgorithm.RS256).sign(testKey());
        bearer(token).get("/api/v1/users/profile").then().statusCode(200).body("data.id", is((int) s.id()));
    }

    private static Response refresh(Map<String, ?> body) {
        return json().body(body).post("/api/v1/auth/refresh");
    }

    private static void assertInvalid(String token) {
        bearer(token).get("/api/v1/users/profile").then().statusCode(401)
                .body("code", is(401)).body("error", is("TOKEN_INVALID"));
    }

    private static String validClaims() {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"im-system\",\"sub\":\"1\",\"username\":\"x\",\"jti\":\"" + UUID.randomUUID()
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}";
    }

    private static String sign(String claims, PrivateKey key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(key);
        return jws.getCompactSerialization();
    }

    private static PrivateKey testKey() throws Exception {
        return KeyUtils.readPrivateKey("test-keys/private.pem");
    }
}
