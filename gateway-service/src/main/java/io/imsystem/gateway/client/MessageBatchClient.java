package io.imsystem.gateway.client;

import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.wire.FrameBatch;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** message-service's internal route for the frames of many sockets in one call (used by {@link FrameBatcher} alone). */
@RegisterRestClient(configKey = "message")
@Path("/internal/v1/messages")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface MessageBatchClient {

    /**
     * Not retried: a chat item is a send (its retry is the client's, with its client_msg_id).
     *
     * @param token {@code InternalCredential.tokenForBody("message-service", body)}
     * @param body  a {@link FrameBatch} as JSON: the bytes the token is bound to
     */
    @POST
    @Path("/batch")
    Uni<Response> batch(@HeaderParam(InternalCredential.HEADER) String token, byte[] body);
}
