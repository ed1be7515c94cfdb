package io.imsystem.presence;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.presence.client.UserSummary;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test stand-in for auth-service's {@code GET /internal/v1/users} and message-service's
 * {@code GET /internal/v1/users/{id}/peers}, served on this module's test port. Tests fill the maps.
 */
@Path("/internal/v1/users")
@InternalRoute(from = InternalCredential.PRESENCE, audience = InternalCredential.AUTH)
public class StubUpstreamResource {

    public static final Map<Long, String> USERS = new ConcurrentHashMap<>();
    public static final Map<Long, List<Long>> PEERS = new ConcurrentHashMap<>();
    /** The last Authorization header the auth route saw (presence passes no user's token on). */
    public static volatile String lastAuthorization;
    /** While true, the auth route fails as a broken auth-service would. */
    public static volatile boolean authFailing;

    @GET
    public ApiResponse<List<UserSummary>> users(@QueryParam("ids") String ids, @HeaderParam("Authorization") String authorization) {
        if (authFailing) {
            throw new jakarta.ws.rs.WebApplicationException(503);
        }
        lastAuthorization = authorization;
        return ApiResponse.ok(Arrays.stream(ids.split(",")).map(Long::parseLong).filter(USERS::containsKey)
                .map(id -> new UserSummary(id, USERS.get(id), "nick" + id, null)).toList());
    }

    /** message-service's peers route: presence's token, minted for that user. */
    @GET
    @Path("/{userId}/peers")
    @InternalRoute(from = InternalCredential.PRESENCE, audience = InternalCredential.MESSAGE)
    public ApiResponse<List<Long>> peers(@PathParam("userId") long userId, @Context ContainerRequestContext request) {
        InternalCredential.requireUser(InternalRouteFilter.caller(request), userId);
        return ApiResponse.ok(PEERS.getOrDefault(userId, List.of()));
    }
}
