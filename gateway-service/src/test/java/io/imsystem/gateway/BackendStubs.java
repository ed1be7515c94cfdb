package io.imsystem.gateway;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.testing.ServiceTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stand-ins for presence- and message-service on a real local port, so the gateway's own tests
 * see real HTTP calls (the real services meet in system-tests). Auth points at a closed port.
 */
public class BackendStubs implements QuarkusTestResourceLifecycleManager {

    public static final List<JsonObject> registrations = new CopyOnWriteArrayList<>();
    public static final List<String> unregistrations = new CopyOnWriteArrayList<>();
    public static final List<JsonObject> sends = new CopyOnWriteArrayList<>();
    public static final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
    public static final Map<Long, List<JsonObject>> offline = new ConcurrentHashMap<>();
    public static final Map<Long, List<JsonObject>> timeline = new ConcurrentHashMap<>();
    /** Edits and recalls of each user's timeline, as sync lists them in {@code changes}. */
    public static final Map<Long, List<JsonObject>> changes = new ConcurrentHashMap<>();
    public static volatile boolean presenceDown;
    public static volatile long offlineDelayMillis;
    public static volatile long syncDelayMillis;
    public static final AtomicLong syncCalls = new AtomicLong();
    private static final AtomicLong ids = new AtomicLong(5000);
    /** Calls of the backends' /internal/v1/health (the gateway's /health). */
    public static final AtomicLong healthChecks = new AtomicLong();
    /** The user each closed connection's service token was minted for. */
    public static final Map<String, Long> unregisteredFor = new ConcurrentHashMap<>();

    /** What message and presence verify the gateway's tokens with (the test profile's gateway key). */
    private static final InternalCredential MESSAGE = verifier(InternalCredential.MESSAGE);
    private static final InternalCredential PRESENCE = verifier(InternalCredential.PRESENCE);

    private static InternalCredential verifier(String self) {
        String key = new String(ServiceTokens.key(InternalCredential.GATEWAY), StandardCharsets.UTF_8);
        return new InternalCredential(new InternalCredential.Config() {
            @Override
            public Map<String, String> keys() {
                return Map.of(InternalCredential.GATEWAY, key);
            }

            @Override
            public java.time.Duration lifetime() {
                return java.time.Duration.ofSeconds(60);
            }
        }, self);
    }

    /** The gateway's verified token, or null once the call has been answered 401/403 as the real backend would. */
    private static InternalCredential.Caller caller(RoutingContext rc, InternalCredential as) {
        try {
            InternalCredential.Caller c = as.verifyCaller(rc.request().getHeader(InternalCredential.HEADER));
            if (!InternalCredential.GATEWAY.equals(c.service())) {
                throw io.imsystem.common.api.ApiException.forbidden("not the gateway");
            }
            return c;
        } catch (io.imsystem.common.api.ApiException e) {
            rc.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("code", e.status()).put("message", e.getMessage()).put("error", e.errorCode()).encode());
            return null;
        }
    }

    private Vertx vertx;

    public static void reset() {
        registrations.clear();
        unregistrations.clear();
        sends.clear();
        delivered.clear();
        offline.clear();
        timeline.clear();
        changes.clear();
        presenceDown = false;
        offlineDelayMillis = 0;
        syncDelayMillis = 0;
        syncCalls.set(0);
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.post("/internal/v1/connections").handler(rc -> {
            if (presenceDown) {
                rc.response().setStatusCode(503).end();
                return;
            }
            InternalCredential.Caller c = caller(rc, PRESENCE);
            if (c == null) {
                return;
            }
            JsonObject body = rc.body().asJsonObject().put("x_service", c.service())
                    .put("authorization", rc.request().getHeader("Authorization"));
            registrations.add(body);
            ok(rc, new JsonObject().put("devices", 1));
        });
        router.delete("/internal/v1/connections/:id").handler(rc -> {
            InternalCredential.Caller c = caller(rc, PRESENCE);
            if (c == null) {
                return;
            }
            if (c.userId() <= 0) {
                rc.response().setStatusCode(403).end();
                return;
            }
            unregisteredFor.put(rc.pathParam("id"), c.userId());
            unregistrations.add(rc.pathParam("id"));
            ok(rc, new JsonObject().put("devices", 0));
        });
        router.get("/api/v1/messages/offline").handler(rc -> {
            long user = userOf(rc);
            long after = Long.parseLong(rc.request().getParam("after_seq", "0"));
            int limit = Integer.parseInt(rc.request().getParam("limit", "100"));
            JsonArray page = new JsonArray();
            offline.getOrDefault(user, List.of()).stream().filter(m -> m.getLong("seq") > after).limit(limit).forEach(page::add);
            vertx.setTimer(Math.max(1, offlineDelayMillis), t -> ok(rc, new JsonObject().put("messages", page).put("total", page.size())));
        });
        router.get("/api/v1/messages/sync").handler(rc -> {
            long user = userOf(rc);
            long after = Long.parseLong(rc.request().getParam("after_seq", "0"));
            int limit = Integer.parseInt(rc.request().getParam("limit", "100"));
            syncCalls.incrementAndGet();
            JsonArray page = new JsonArray();
            List<JsonObject> rest = timeline.getOrDefault(user, List.of()).stream().filter(m -> m.getLong("seq") > after).toList();
            rest.stream().limit(limit).forEach(page::add);
            JsonArray changed = new JsonArray();
            changes.getOrDefault(user, List.of()).stream().filter(c -> c.getLong("seq") > after).limit(limit).forEach(changed::add);
            long next = java.util.stream.Stream.concat(page.stream(), changed.stream())
                    .mapToLong(m -> ((JsonObject) m).getLong("seq")).max().orElse(after);
            vertx.setTimer(Math.max(1, syncDelayMillis), t -> ok(rc, new JsonObject().put("messages", page).put("changes", changed)
                    .put("next_seq", next).put("has_more", rest.size() > limit)));
        });
        // The gateway's batched frames: each item answered like the REST route would answer it.
        router.post("/internal/v1/messages/batch").handler(rc -> {
            InternalCredential.Caller c = caller(rc, MESSAGE);
            if (c == null) {
                return;
            }
            try {
                InternalCredential.requireBody(c, rc.body().buffer().getBytes());
            } catch (io.imsystem.common.api.ApiException e) {
                rc.response().setStatusCode(403).end();
                return;
            }
            JsonArray results = new JsonArray();
            for (Object o : rc.body().asJsonObject().getJsonArray("items")) {
                JsonObject item = (JsonObject) o;
                if ("delivered".equals(item.getString("op"))) {
                    delivered.add(new JsonObject().put("msg_ids", item.getJsonArray("msg_ids")).put("user", item.getLong("user_id")));
                    results.add(new JsonObject().put("status", 200).put("data", new JsonObject().put("marked", 1)));
                    continue;
                }
                JsonObject body = item.getJsonObject("chat");
                sends.add(body.copy().put("connection", item.getString("conn")).put("user", item.getLong("user_id")));
                long receiver = body.getLong("receiver_id", body.getLong("toUserId", 0L));
                if (receiver == 408L) {
                    return; // never answers
                }
                if (receiver == 404L) {
                    results.add(new JsonObject().put("status", 404).put("error", "NOT_FOUND").put("message", "user not found"));
                    continue;
                }
                results.add(new JsonObject().put("status", 200).put("data", new JsonObject().put("id", ids.incrementAndGet()).put("seq", 7)
                        .put("sender_id", item.getLong("user_id")).put("receiver_id", body.getValue("receiver_id"))
                        .put("content", body.getString("content")).put("client_msg_id", body.getString("client_msg_id"))
                        .put("created_at", "2026-11-24T21:58:59Z")));
            }
            ok(rc, new JsonObject().put("results", results));
        });
        router.get("/api/v1/messages/echo").handler(rc -> rc.response().setStatusCode(418)
                .putHeader("X-Backend", "message").putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("query", rc.request().query())
                        .put("forwarded_for", rc.request().getHeader("X-Forwarded-For"))
                        .put("client_address", rc.request().getHeader("X-Client-Address"))
                        .put("token_from", MESSAGE.isFrom(rc.request().getHeader(InternalCredential.HEADER), InternalCredential.GATEWAY)
                                ? InternalCredential.GATEWAY : null)
                        .put("request_id", rc.request().getHeader("X-Request-Id")).encode()));
        router.get("/api/v1/messages/slow").handler(rc -> {
            // never answers: the gateway must time out
        });
        router.get("/internal/v1/health").handler(rc -> {
            healthChecks.incrementAndGet();
            if (caller(rc, MESSAGE) != null) {
                ok(rc, new JsonObject().put("status", "UP"));
            }
        });
        int port = freePort();
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        server.listen(port).toCompletionStage().toCompletableFuture().join();
        String url = "http://localhost:" + port;
        return Map.of(
                "im.gateway.backends.presence", url,
                "im.gateway.backends.message", url,
                "im.gateway.backends.auth", "http://localhost:" + freePort());
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** The user id of the (already verified by the gateway) bearer token: its subject. */
    static long userOf(RoutingContext rc) {
        String token = rc.request().getHeader("Authorization").substring("Bearer ".length());
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return Long.parseLong(new JsonObject(payload).getString("sub"));
    }

    private static void ok(RoutingContext rc, Object data) {
        rc.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", 0).put("message", "ok").put("data", data).encode());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
