package io.imsystem.gateway.client;

import io.imsystem.common.security.InternalCredential;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** presence-service's internal connection routes (docs/ARCHITECTURE.md), each with the gateway's service token. */
@RegisterRestClient(configKey = "presence")
@Path("/internal/v1/connections")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface PresenceClient {

    /** The body of a connection registration. */
    @RegisterForReflection
    record Registration(String connId, long userId, String gatewayId) {
    }

    @POST
    Uni<Response> register(@HeaderParam("Authorization") String bearer, @HeaderParam(InternalCredential.HEADER) String token,
            Registration registration);

    /** {@code token}: minted for the connection's user. */
    @DELETE
    @Path("/{connId}")
    Uni<Response> unregister(@PathParam("connId") String connId, @HeaderParam(InternalCredential.HEADER) String token);
}
