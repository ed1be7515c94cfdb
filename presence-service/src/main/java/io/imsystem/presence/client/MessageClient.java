package io.imsystem.presence.client;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.redis.StreamFields;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** message-service's internal peers route: who shares a conversation with a user, to push presence to. */
@RegisterRestClient(configKey = "message")
@Path("/internal/v1/users")
@ClientHeaderParam(name = StreamFields.SERVICE_HEADER, value = "presence-service")
public interface MessageClient {

    @GET
    @Path("/{userId}/peers")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    ApiResponse<List<Long>> peers(@PathParam("userId") long userId);
}
