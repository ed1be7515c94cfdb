package io.imsystem.presence.client;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.InternalCredential;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * message-service's internal peers route: who shares a conversation with a user, to push presence to
 * (with a service token minted for that user).
 */
@RegisterRestClient(configKey = "message")
@Path("/internal/v1/users")
public interface MessageClient {

    @GET
    @Path("/{userId}/peers")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    ApiResponse<List<Long>> peers(@PathParam("userId") long userId, @HeaderParam(InternalCredential.HEADER) String token);
}
