package io.imsystem.message.rest;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.message.service.ConversationService;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
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
@Tag(name = "internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
@InternalRoute(from = InternalCredential.PRESENCE)
public class InternalResource {

    @Inject
    ConversationService conversations;

    @GET
    @Path("/{user_id}/peers")
    @Operation(summary = "Everyone who shares a conversation with the user",
            description = "presence-service only, with a service token minted for this user (403 otherwise).")
    public ApiResponse<List<Long>> peers(@PathParam("user_id") long userId, @Context ContainerRequestContext request) {
        InternalCredential.requireUser(InternalRouteFilter.caller(request), userId);
        return ApiResponse.ok(conversations.peers(userId));
    }
}
