package io.imsystem.message.client;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.InternalCredential;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** auth-service's internal routes that message-service calls (docs/ARCHITECTURE.md, "Internal REST"). */
@RegisterRestClient(configKey = "auth")
@Path("/internal/v1")
public interface AuthClient {

    /**
     * Users that exist among {@code ids} (comma-separated, at most 200). A read: safe to retry.
     *
     * @param token {@code InternalCredential.token("auth-service")}
     */
    @GET
    @Path("/users")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    ApiResponse<List<UserSummary>> users(@HeaderParam(InternalCredential.HEADER) String token, @QueryParam("ids") String ids);

    /**
     * Whether {@code to} has blocked {@code from} and whether the two are friends. A read: safe to retry.
     *
     * @param token {@code InternalCredential.token("auth-service", from)}: the call acts for the sender
     */
    @GET
    @Path("/relations")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    ApiResponse<Relation> relation(@HeaderParam(InternalCredential.HEADER) String token, @QueryParam("from") long from,
            @QueryParam("to") long to);
}
