package io.imsystem.gateway.rest;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The original's {@code GET /health}: the state of Redis and of the services behind the gateway. */
@Path("/health")
@Tag(name = "Operations")
public class HealthResource {

    /** What {@code /health} answers. */
    @RegisterForReflection
    public record Health(String status, Map<String, String> checks) {
    }

    private final ReactiveRedisDataSource redis;
    private final HttpClient http;
    private final GatewayConfig.Backends backends;

    public HealthResource(ReactiveRedisDataSource redis, Vertx vertx, GatewayConfig config) {
        this.redis = redis;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1000));
        this.backends = config.backends();
    }

    @GET
    @Operation(summary = "Health of the system as the gateway sees it: ok, or degraded with the failing parts")
    public Uni<ApiResponse<Health>> health() {
        Uni<String> redisCheck = redis.execute("PING").map(r -> "ok")
                .ifNoItem().after(Duration.ofSeconds(1)).fail().onFailure().recoverWithItem("down");
        Uni<String> auth = ready(backends.auth());
        Uni<String> message = ready(backends.message());
        Uni<String> presence = ready(backends.presence());
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
            return ApiResponse.ok(new Health(ok ? "ok" : "degraded", checks));
        });
    }

    private Uni<String> ready(String baseUrl) {
        URI uri = URI.create(baseUrl);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                .setPort(uri.getPort()).setURI("/q/health/ready").setTimeout(1000);
        return Uni.createFrom().completionStage(() -> http.request(options)
                        .compose(request -> request.send())
                        .map(response -> response.statusCode() == 200 ? "ok" : "down")
                        .toCompletionStage())
                .onFailure().recoverWithItem("down");
    }
}
