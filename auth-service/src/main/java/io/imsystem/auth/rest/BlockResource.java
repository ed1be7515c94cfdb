package io.imsystem.auth.rest;

import io.imsystem.auth.rest.dto.BlockView;
import io.imsystem.auth.service.BlockService;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Blocking users (API.md, "Contacts"); beside UserResource under /api/v1/users. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Contacts")
public class BlockResource {

    private final BlockService blocks;
    private final CurrentUser currentUser;

    public BlockResource(BlockService blocks, CurrentUser currentUser) {
        this.blocks = blocks;
        this.currentUser = currentUser;
    }

    @POST
    @Path("{user_id}/block")
    @Operation(summary = "Block a user: their messages and friend requests to you get 403 BLOCKED",
            description = "Idempotent. Ends your friendship and rejects or cancels a pending request between you; "
                    + "the blocked user is not told. 400 for yourself, 404 for an unknown user.")
    public ApiResponse<Void> block(@PathParam("user_id") String userId) {
        blocks.block(currentUser.id(), UserResource.id("user_id", userId));
        return ApiResponse.ok(null);
    }

    @DELETE
    @Path("{user_id}/block")
    @Operation(summary = "Unblock a user (idempotent); a friendship the block ended does not come back",
            description = "400 for yourself, 404 for an unknown user.")
    public ApiResponse<Void> unblock(@PathParam("user_id") String userId) {
        blocks.unblock(currentUser.id(), UserResource.id("user_id", userId));
        return ApiResponse.ok(null);
    }

    @GET
    @Path("blocks")
    @Operation(summary = "The users you have blocked, newest block first")
    public ApiResponse<List<BlockView>> blocked() {
        return ApiResponse.ok(blocks.blocked(currentUser.id()));
    }
}
