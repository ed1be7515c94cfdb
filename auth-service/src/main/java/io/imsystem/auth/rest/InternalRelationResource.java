package io.imsystem.auth.rest;

import io.imsystem.auth.rest.dto.RelationView;
import io.imsystem.auth.service.BlockService;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import io.imsystem.common.api.ApiResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The relation of a sender to a receiver, for message-service on each private send (never routed by the gateway). */
@Path("/internal/v1/relations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
@InternalRoute(from = InternalCredential.MESSAGE)
public class InternalRelationResource {

    private final BlockService blocks;

    public InternalRelationResource(BlockService blocks) {
        this.blocks = blocks;
    }

    @GET
    @Operation(summary = "blocked: whether the receiver (to) has blocked the sender (from); friends: whether they are friends",
            description = "Unknown users are neither blocked nor friends. Not cached here: two primary-key lookups. "
                    + "The call acts for the sender: 403 unless the service token was minted for user from.")
    public ApiResponse<RelationView> relation(@Context ContainerRequestContext request,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        long sender = UserResource.id("from", from);
        InternalCredential.requireUser(InternalRouteFilter.caller(request), sender);
        return ApiResponse.ok(blocks.relation(sender, UserResource.id("to", to)));
    }
}
