package io.imsystem.message;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.Claims;

/** Fresh user ids and their access tokens, signed with the test key pair. */
public final class TestUsers {

    /** Ids from here on do not exist at the fake auth-service. */
    public static final long MISSING = 900_000_000_000L;

    // Distinct per run, so that Redis keys (routes) left by an earlier run never match.
    private static final AtomicLong NEXT = new AtomicLong(1_000_000L + (System.currentTimeMillis() % 100_000_000L) * 1000L);

    private TestUsers() {
    }

    public static long newUser() {
        return NEXT.incrementAndGet();
    }

    public static String token(long userId) {
        return Jwt.issuer("im-system").subject(String.valueOf(userId)).claim("username", "user" + userId)
                .claim(Claims.jti.name(), UUID.randomUUID().toString()).sign();
    }

    /** A request as this user, with a JSON body type. */
    public static RequestSpecification as(long userId) {
        return RestAssured.given().auth().oauth2(token(userId)).contentType(ContentType.JSON);
    }

    public static Map<String, Object> chat(long to, String content) {
        return Map.of("receiver_id", to, "content", content);
    }
}
