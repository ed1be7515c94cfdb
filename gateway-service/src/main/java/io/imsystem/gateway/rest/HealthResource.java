package io.imsystem.gateway.rest;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The original's {@code GET /health}: the state of Redis and of the services behind the gateway, from
 * checks made at most every {@code GATEWAY_HEALTH_CACHE} (5 s) whatever the rate of requests: a flood of
 * {@code /health} costs the backends nothing. The backends are asked on their service port
 * ({@code /internal/v1/health}, with the gateway's service token): their management port is Prometheus's.
 */
@Path("/health")
@Tag(name = "Operations")
@ApplicationScoped
public class HealthResource {

    /** What {@code /health} answers. */
    @RegisterForReflection
    public record Health(String status, Map<String, String> checks) {
    }

    private record Checked(Health health, long atNanos) {
    }

    private final ReactiveRedisDataSource redis;
    private final HttpClient http;
    private final GatewayConfig.Backends backends;
    private final InternalCredential credential;
    private final long cacheNanos;
    private final AtomicReference<Checked> last = new AtomicReference<>();
    private final AtomicReference<Uni<Health>> running = new AtomicReference<>();

    public HealthResource(ReactiveRedisDataSource redis, Vertx vertx, GatewayConfig config, InternalCredential credential) {
        this.redis = redis;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1000));
        this.backends = config.backends();
        this.credential = credential;
        this.cacheNanos = config.backends().healthCache().toNanos();
    }

    @GET
    @Operation(summary = "Health of the system as the gateway sees it: ok, or degraded with the failing parts",
            description = "From the gateway's last checks of Redis and the three services, made at most every few seconds "
                    + "(GATEWAY_HEALTH_CACHE, 5 s): a flood of requests here reaches no backend.")
    public Uni<ApiResponse<Health>> health() {
        Checked c = last.get();
        if (c != null && System.nanoTime() - c.atNanos() < cacheNanos) {
            return Uni.createFrom().item(ApiResponse.ok(c.health()));
        }
        return check().map(ApiResponse::ok);
    }

    /** One check under way at a time: whoever asks meanwhile waits for its answer. */
    private Uni<Health> check() {
        while (true) {
            Uni<Health> current = running.get();
            if (current != null) {
                return current;
            }
            Uni<Health> fresh = checkNow().invoke(h -> {
                last.set(new Checked(h, System.nanoTime()));
                running.set(null);
            }).memoize().indefinitely();
            if (running.compareAndSet(null, fresh)) {
                return fresh;
            }
        }
    }

    private Uni<Health> checkNow() {
        Uni<String> redisCheck = redis.execute("PING").map(r -> "ok")
                .ifNoItem().after(Duration.ofSeconds(1)).fail().onFailure().recoverWithItem("down");
        Uni<String> auth = ready(backends.auth(), InternalCredential.AUTH);
        Uni<String> message = ready(backends.message(), InternalCredential.MESSAGE);
        Uni<String> presence = ready(backends.presence(), InternalCredential.PRESENCE);
        return Uni.combine().all().unis(redisCheck, auth, message, presence).with(list -> {
            @SuppressWarnings("unchecked")
            List<String> r = (List<String>) (List<?>) list;
            Map<String, String> checks = new LinkedHashMap<>();
            checks.put("database", "ok".equals(r.get(1)) && "ok".equals(r.get(2)) ? "ok" : "down");
            checks.put("redis", r.get(0));
            checks.put("auth", r.get(1));
            checks.put("message", r.get(2));
            checks.put("presence", r.get(3));
            boolean ok = checks.values().stream().allMatch("ok"::equals);
            return new Health(ok ? "ok" : "degraded", checks);
        }).onFailure().recoverWithItem(e -> new Health("degraded", Map.of("gateway", "down")));
    }

    private Uni<String> ready(String baseUrl, String service) {
        URI uri = URI.create(baseUrl);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                .setPort(uri.getPort()).setURI("/internal/v1/health").setTimeout(1000)
                .putHeader(InternalCredential.HEADER, credential.token(service));
        return Uni.createFrom().completionStage(() -> http.request(options)
                        .compose(request -> request.send())
                        .map(response -> response.statusCode() == 200 ? "ok" : "down")
                        .toCompletionStage())
                .onFailure().recoverWithItem("down");
    }
}
