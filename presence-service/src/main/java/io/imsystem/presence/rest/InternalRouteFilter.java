package io.imsystem.presence.rest;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.redis.StreamFields;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Every {@code /internal/**} route names its calling service in {@code X-Service}; 403 without it. */
public class InternalRouteFilter {

    @ServerRequestFilter
    public Optional<Response> requireCallingService(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/internal/") && !path.startsWith("internal/")) {
            return Optional.empty();
        }
        String service = request.getHeaderString(StreamFields.SERVICE_HEADER);
        if (service != null && !service.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Response.status(403).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(403, "internal route: the " + StreamFields.SERVICE_HEADER + " header is required",
                        ErrorCodes.FORBIDDEN))
                .build());
    }
}
