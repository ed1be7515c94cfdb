package io.imsystem.auth.rest;

import io.imsystem.auth.rest.dto.RelationView;
import io.imsystem.auth.service.BlockService;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.redis.StreamFields;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The relation of a sender to a receiver, for message-service on each private send (never routed by the gateway). */
@Path("/internal/v1/relations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Internal", description = "Service-to-service routes; require X-Service")
public class InternalRelationResource {

    private final BlockService blocks;

    public InternalRelationResource(BlockService blocks) {
        this.blocks = blocks;
    }

    @GET
    @Operation(summary = "blocked: whether the receiver (to) has blocked the sender (from); friends: whether they are friends",
            description = "Unknown users are neither blocked nor friends. Not cached here: two primary-key lookups.")
    public ApiResponse<RelationView> relation(@HeaderParam(StreamFields.SERVICE_HEADER) String service,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        if (service == null || service.isBlank()) {
            throw ApiException.forbidden("internal route: X-Service header required");
        }
        return ApiResponse.ok(blocks.relation(UserResource.id("from", from), UserResource.id("to", to)));
    }
}
