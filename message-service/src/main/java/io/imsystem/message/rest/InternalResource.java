package io.imsystem.message.rest;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.message.service.ConversationService;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Routes for the other services only (never routed by the gateway; docs/ARCHITECTURE.md, "Internal REST"). */
@Path("/internal/v1/users")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "internal", description = "Service-to-service routes; X-Service required")
public class InternalResource {

    @Inject
    ConversationService conversations;

    @GET
    @Path("/{user_id}/peers")
    @Operation(summary = "Everyone who shares a conversation with the user")
    public ApiResponse<List<Long>> peers(@PathParam("user_id") long userId, @HeaderParam(StreamFields.SERVICE_HEADER) String service) {
        if (service == null || service.isBlank()) {
            throw ApiException.forbidden("X-Service header required");
        }
        return ApiResponse.ok(conversations.peers(userId));
    }
}
