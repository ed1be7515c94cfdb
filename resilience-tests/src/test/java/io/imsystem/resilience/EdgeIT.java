package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real client addresses through a real reverse-proxy hop (docs/SECURITY.md, "Network edge and service
 * calls"): a Vert.x HTTP proxy in front of the gateway, as an ingress is, appending each client's
 * address to X-Forwarded-For and connecting to the gateway from {@link #PROXY_ADDRESS}, the one address
 * the gateways trust ({@code GATEWAY_TRUSTED_PROXIES}, set by {@link Cluster}). Clients are other
 * loopback addresses. Before, every client behind the proxy had the proxy's address, so one client's
 * failed logins locked everyone out.
 */
class EdgeIT {

    /** The proxy's own address towards the gateway. */
    static final String PROXY_ADDRESS = "127.0.0.50";

    static Cluster cluster;
    static Vertx vertx;
    static String viaProxy;
    static String gateway;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.get();
        gateway = cluster.url(cluster.gatewayA);
        URI origin = URI.create(gateway);
        vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(PROXY_ADDRESS));
        HttpProxy proxy = HttpProxy.reverseProxy(client).origin(origin.getPort(), "127.0.0.1");
        proxy.addInterceptor(new ProxyInterceptor() {
            @Override
            public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                // What ingress-nginx does: the client's own header, then the address the client came from.
                var request = context.request();
                String prior = request.headers().get("X-Forwarded-For");
                String peer = request.proxiedRequest().remoteAddress().hostAddress();
                request.headers().set("X-Forwarded-For", prior == null ? peer : prior + ", " + peer);
                return context.sendRequest();
            }
        });
        HttpServer server = vertx.createHttpServer().requestHandler(proxy);
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
        viaProxy = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** auth's failed logins per client address before 429 (LOGIN_MAX_FAILURES_PER_ADDRESS, default). */
    static final int PER_ADDRESS = 30;

    @Test
    void twoClientsBehindTheProxyAreLimitedSeparately() {
        Api.User owner = Api.register(gateway, "edge");
        String a = "127.0.0.51";
        String b = "127.0.0.52";
        List<Integer> fromA = failures(a, viaProxy, PER_ADDRESS, Map.of());
        assertEquals(List.of(401), fromA.stream().distinct().toList(), "client A's wrong logins: " + fromA);
        assertEquals(429, login(a, viaProxy, owner, Map.of()), "client A is limited by its own address");
        // B comes through the same proxy: its own address, not limited by A's failures
        assertEquals(401, FromAddress.post(b, viaProxy, "/api/v1/users/login",
                Map.of("usernameOrEmail", "nobody" + UUID.randomUUID(), "password", "wrong password")).status());
        assertEquals(200, login(b, viaProxy, owner, Map.of()), "client B logs in");
        // A cannot leave its bucket by writing another address in front of the proxy's
        assertEquals(429, login(a, viaProxy, owner, Map.of("X-Forwarded-For", "198.51.100." + (1 + (int) (Math.random() * 250)))));
        Cluster.report("edge: two clients behind one trusted reverse proxy: A " + PER_ADDRESS + " x 401 then 429, B 401 then 200 "
                + "(limited separately); A forging X-Forwarded-For through the proxy still 429");
    }

    @Test
    void aClientForgingXForwardedForDirectlyIsLimitedByItsRealAddress() {
        Api.User owner = Api.register(gateway, "edge");
        String forger = "127.0.0.53";
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < PER_ADDRESS; i++) {
            // a new invented address each time, and the gateway's own header too: none of it is believed
            statuses.add(FromAddress.post(forger, gateway, "/api/v1/users/login",
                    Map.of("usernameOrEmail", "nobody" + UUID.randomUUID(), "password", "wrong password"),
                    Map.of("X-Forwarded-For", "203.0.113." + (i + 1), "Forwarded", "for=203.0.113." + (i + 1),
                            "X-Client-Address", "203.0.113." + (i + 1))).status());
        }
        assertEquals(List.of(401), statuses.stream().distinct().toList(), "the forger's wrong logins: " + statuses);
        assertEquals(429, login(forger, gateway, owner, Map.of("X-Forwarded-For", "203.0.113.200")), "limited by 127.0.0.53");
        // the addresses it invented are not limited: another client (through the proxy) with one of them logs in
        assertEquals(200, login("127.0.0.54", viaProxy, owner, Map.of()));
        Cluster.report("edge: a client forging X-Forwarded-For / Forwarded / X-Client-Address straight to the gateway: "
                + PER_ADDRESS + " x 401 then 429 by its real address");
    }

    private static List<Integer> failures(String from, String base, int n, Map<String, String> headers) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(FromAddress.post(from, base, "/api/v1/users/login",
                    Map.of("usernameOrEmail", "nobody" + UUID.randomUUID(), "password", "wrong password"), headers).status());
        }
        return out;
    }

    private static int login(String from, String base, Api.User user, Map<String, String> headers) {
        return FromAddress.post(from, base, "/api/v1/users/login", Map.of("usernameOrEmail", user.name(), "password", user.password()),
                headers).status();
    }
}
