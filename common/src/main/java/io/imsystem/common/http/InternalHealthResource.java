package io.imsystem.common.http;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * This service's readiness on its service port, for the gateway's {@code /health} alone: {@code /q/health}
 * is on the management port, which only Prometheus (and the kubelet) reach.
 */
@Path("/internal/v1/health")
@InternalRoute(from = InternalCredential.GATEWAY)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
public class InternalHealthResource {

    @Inject
    SmallRyeHealthReporter reporter;

    @GET
    @Operation(summary = "UP (200) while this service is ready, else DOWN (503); the gateway's /health only")
    public Uni<Response> ready() {
        return reporter.getReadinessAsync().map(h -> {
            boolean up = !h.isDown();
            return Response.status(up ? 200 : 503).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ApiResponse.ok(Map.of("status", up ? "UP" : "DOWN"))).build();
        });
    }
}
