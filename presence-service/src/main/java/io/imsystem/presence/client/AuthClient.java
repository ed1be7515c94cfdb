package io.imsystem.presence.client;

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

/** auth-service's internal user lookup (docs/ARCHITECTURE.md), for usernames in presence answers. */
@RegisterRestClient(configKey = "auth")
@Path("/internal/v1/users")
public interface AuthClient {

    /** The users among {@code ids} (comma-separated, at most 200) that exist; {@code token}: presence's, for auth. */
    @GET
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    ApiResponse<List<UserSummary>> users(@QueryParam("ids") String ids, @HeaderParam(InternalCredential.HEADER) String token);
}
