package io.imsystem.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * message-service's public routes that the gateway calls on behalf of a socket's user (chat frames and
 * acks go by {@link FrameBatcher} instead).
 */
@RegisterRestClient(configKey = "message")
@Path("/api/v1/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface MessageClient {

    @PUT
    @Path("/{id}/read")
    Uni<Response> read(@HeaderParam("Authorization") String bearer, @PathParam("id") long messageId);

    @GET
    @Path("/offline")
    Uni<Response> offline(@HeaderParam("Authorization") String bearer, @QueryParam("after_seq") long afterSeq,
            @QueryParam("limit") int limit);

    @GET
    @Path("/sync")
    Uni<Response> sync(@HeaderParam("Authorization") String bearer, @QueryParam("after_seq") long afterSeq,
            @QueryParam("limit") int limit);
}
