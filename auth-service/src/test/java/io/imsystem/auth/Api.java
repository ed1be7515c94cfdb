package io.imsystem.auth;

import static io.restassured.RestAssured.given;

import io.imsystem.common.http.ClientAddress;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.testing.ServiceTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/** Test helpers: fresh users per test, and the routes called the way a client calls them. */
final class Api {

    static final String PASSWORD = "correct horse battery";

    private Api() {
    }

    /** A fresh username (3-32 of [A-Za-z0-9_.-]). */
    static String newName() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A fresh client address, so that one test's failures never count against another's. */
    static String newAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    /**
     * The headers with which the gateway forwards a call from {@code address}: the address it decided and
     * its service token, without which auth believes no such header.
     */
    static Map<String, String> viaGateway(String address) {
        return Map.of(ClientAddress.HEADER, address,
                InternalCredential.HEADER, ServiceTokens.of(InternalCredential.GATEWAY, InternalCredential.AUTH));
    }

    /** The header of a service token of {@code service} for auth, acting for {@code userId} (0: none). */
    static Map<String, String> serviceToken(String service, long userId) {
        return Map.of(InternalCredential.HEADER, ServiceTokens.of(service, InternalCredential.AUTH, userId));
    }

    static RequestSpecification json() {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON);
    }

    static Response register(Map<String, ?> body) {
        return json().body(body).post("/api/v1/users/register");
    }

    /** Registers a fresh user and answers the `data` of the answer (user, tokens). */
    static Session registerUser() {
        String name = newName();
        Map<String, Object> body = new HashMap<>();
        body.put("username", name);
        body.put("password", PASSWORD);
        body.put("email", name + "@example.com");
        Response r = register(body);
        r.then().statusCode(200);
        return Session.of(r, name);
    }

    /** Registers a fresh user from the given client address (as the gateway forwards it). */
    static Session registerUserFrom(String address) {
        String name = newName();
        Response r = json().headers(viaGateway(address)).body(Map.of("username", name, "password", PASSWORD))
                .post("/api/v1/users/register");
        r.then().statusCode(200);
        return Session.of(r, name);
    }

    static Response login(String usernameOrEmail, String password, String address) {
        return json().headers(viaGateway(address))
                .body(Map.of("usernameOrEmail", usernameOrEmail, "password", password))
                .post("/api/v1/users/login");
    }

    static RequestSpecification bearer(String token) {
        return json().header("Authorization", "Bearer " + token);
    }

    /** POST /api/v1/friends/request from one user to another, with an optional message. */
    static Response requestFriend(Session from, long toUserId, String message) {
        Map<String, Object> body = new HashMap<>();
        body.put("to_user_id", toUserId);
        if (message != null) {
            body.put("message", message);
        }
        return bearer(from.accessToken()).body(body).post("/api/v1/friends/request");
    }

    /** Makes two users friends through the routes; answers the accepted request's id. */
    static long befriend(Session a, Session b) {
        Response r = requestFriend(a, b.id(), null);
        r.then().statusCode(200);
        long id = r.jsonPath().getLong("data.id");
        bearer(b.accessToken()).body(Map.of("request_id", id)).post("/api/v1/friends/accept").then().statusCode(200);
        return id;
    }

    /** Entries of a stream added since that time (stream ids start with their epoch millis). */
    static List<StreamMessage<String, String, String>> entriesSince(RedisDataSource redis, String stream, long epochMillis) {
        return redis.stream(String.class).xrange(stream, StreamRange.of(epochMillis + "-0", "+"));
    }

    /** What register and login answer. */
    record Session(long id, String username, String accessToken, String refreshToken) {
        static Session of(Response r, String username) {
            return new Session(r.jsonPath().getLong("data.user.id"), username,
                    r.jsonPath().getString("data.access_token"), r.jsonPath().getString("data.refresh_token"));
        }
    }
}
