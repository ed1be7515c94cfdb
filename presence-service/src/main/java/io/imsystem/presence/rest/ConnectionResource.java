package io.imsystem.presence.rest;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import io.imsystem.presence.rest.dto.DevicesView;
import io.imsystem.presence.rest.dto.RegisterConnectionRequest;
import io.imsystem.presence.service.ConnectionService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Gateways register and close WebSocket connections here (docs/ARCHITECTURE.md, internal REST). */
@Path("/internal/v1/connections")
@Tag(name = "internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
@InternalRoute(from = InternalCredential.GATEWAY)
public class ConnectionResource {

    private final ConnectionService connections;
    private final CurrentUser me;

    public ConnectionResource(ConnectionService connections, CurrentUser me) {
        this.connections = connections;
        this.me = me;
    }

    @POST
    @Authenticated
    @Operation(summary = "Register a connection", description = "Called by a gateway (its service token) with the user's token "
            + "before any pending message is fetched; routes the connection and marks the user online. 403 unless user_id is the "
            + "token's subject.")
    public ApiResponse<DevicesView> register(RegisterConnectionRequest request) {
        // Checked here rather than with bean validation so that the fields are named as on the wire.
        if (request == null) {
            throw ApiException.badRequest("body required: {conn_id, user_id, gateway_id}");
        }
        requireId("conn_id", request.connId());
        requireId("gateway_id", request.gatewayId());
        if (request.userId() == null || request.userId() <= 0) {
            throw ApiException.invalidField("user_id", "must be a positive user id");
        }
        if (request.userId() != me.id()) {
            throw ApiException.forbidden("user_id is not the token's subject");
        }
        return ApiResponse.ok(new DevicesView(
                connections.registerConnection(request.connId(), request.userId(), request.gatewayId())));
    }

    private static void requireId(String field, String value) {
        if (value == null || !ConnectionService.SAFE_ID.matcher(value).matches()) {
            throw ApiException.invalidField(field, "1-128 of [A-Za-z0-9._-]");
        }
    }

    @DELETE
    @Path("/{conn_id}")
    @Operation(summary = "Close a connection", description = "Idempotent; answers the devices the user still holds "
            + "(0 for an unknown connection). The last connection closed takes the user offline. The gateway's service "
            + "token names the connection's user: 403, and nothing closed, for a connection of another user.")
    public ApiResponse<DevicesView> unregister(@PathParam("conn_id") String connId, @Context ContainerRequestContext request) {
        InternalCredential.Caller caller = InternalRouteFilter.caller(request);
        if (caller.userId() <= 0) {
            throw ApiException.forbidden("service token: a connection is closed for its user");
        }
        return ApiResponse.ok(new DevicesView(connections.unregisterConnection(connId, caller.userId())));
    }
}
