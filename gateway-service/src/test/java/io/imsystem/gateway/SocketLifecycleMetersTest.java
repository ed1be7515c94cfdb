package io.imsystem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.testing.Management;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.Claims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the footprint work must not break: the gateway pings every socket from its sweep (no timer per
 * socket), a token in the {@code Authorization} header opens a socket like one in the query, and the
 * calls a socket's life makes (registration, offline page, unregistration by connection id) are metered
 * by their route template, not by the ids in their paths.
 */
@QuarkusTest
@QuarkusTestResource(BackendStubs.class)
class SocketLifecycleMetersTest {

    private static final AtomicLong USERS = new AtomicLong(700_000 + (System.nanoTime() % 1000) * 100);

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void reset() {
        ws = URI.create(http.toString().replaceFirst("^http", "ws"));
        BackendStubs.reset();
    }

    static String token(long userId) {
        return Jwt.issuer("im-system").subject(Long.toString(userId)).claim("username", "u" + userId)
                .claim(Claims.jti.name(), UUID.randomUUID().toString()).claim("sid", UUID.randomUUID().toString())
                .expiresIn(600).sign();
    }

    /** A socket that counts the server's pings (the JDK client answers each with a pong by itself). */
    static final class PingCounter implements WebSocket.Listener {
        final AtomicInteger pings = new AtomicInteger();

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            return null;
        }
    }

    @Test
    void theSweepPingsEverySocketAndItsPongsKeepItOpen() throws Exception {
        PingCounter counter = new PingCounter();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(ws + "?token=" + token(USERS.incrementAndGet())), counter).get(10, TimeUnit.SECONDS);
        // Test profile: ping every 2 s, sweep every 1 s, read timeout 6 s; the client never sends a frame of its own.
        Thread.sleep(8000);
        assertTrue(counter.pings.get() >= 2, "pinged " + counter.pings.get() + " times in 8 s");
        assertFalse(socket.isInputClosed(), "its pongs count as signs of life: still open past the read timeout");
        socket.abort();
    }

    @Test
    void aTokenInTheAuthorizationHeaderOpensASocket() throws Exception {
        long user = USERS.incrementAndGet();
        PingCounter listener = new PingCounter();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + token(user))
                .connectTimeout(Duration.ofSeconds(5)).buildAsync(ws, listener).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 250 && BackendStubs.registrations.stream().noneMatch(r -> r.getLong("user_id") == user); i++) {
            Thread.sleep(20);
        }
        assertTrue(BackendStubs.registrations.stream().anyMatch(r -> r.getLong("user_id") == user), "registered with presence");
        socket.abort();
    }

    @Test
    void aSocketsCallsAreMeteredByTemplateNotById() throws Exception {
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sockets.add(HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(ws + "?token=" + token(USERS.incrementAndGet())), new PingCounter()).get(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 250 && BackendStubs.registrations.size() < 5; i++) {
            Thread.sleep(20);
        }
        assertEquals(5, BackendStubs.registrations.size());
        sockets.forEach(WebSocket::abort);
        for (int i = 0; i < 250 && BackendStubs.unregistrations.size() < 5; i++) {
            Thread.sleep(20);
        }
        assertEquals(5, BackendStubs.unregistrations.size(), "each closed socket unregistered by its id");
        String metrics = Management.on(management).get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("http_client_requests_seconds_count{") && metrics.contains("uri=\"/internal/**\""),
                "the unregistrations are metered under their template");
        for (String connId : BackendStubs.unregistrations) {
            assertFalse(metrics.contains(connId), "no connection id as a tag: " + connId);
        }
        assertFalse(metrics.contains("token="), "no token in a tag");
    }
}
