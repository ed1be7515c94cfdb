package io.imsystem.presence;

import io.imsystem.common.api.ApiResponse;
import io.imsystem.presence.client.UserSummary;
import jakarta.ws.rs.GET;
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
public class StubUpstreamResource {

    public static final Map<Long, String> USERS = new ConcurrentHashMap<>();
    public static final Map<Long, List<Long>> PEERS = new ConcurrentHashMap<>();
    /** The last Authorization and X-Service headers the auth route saw. */
    public static volatile String lastAuthorization;
    public static volatile String lastService;
    /** While true, the auth route fails as a broken auth-service would. */
    public static volatile boolean authFailing;

    @GET
    public ApiResponse<List<UserSummary>> users(@QueryParam("ids") String ids, @HeaderParam("Authorization") String authorization,
            @HeaderParam("X-Service") String service) {
        if (authFailing) {
            throw new jakarta.ws.rs.WebApplicationException(503);
        }
        lastAuthorization = authorization;
        lastService = service;
        return ApiResponse.ok(Arrays.stream(ids.split(",")).map(Long::parseLong).filter(USERS::containsKey)
                .map(id -> new UserSummary(id, USERS.get(id), "nick" + id, null)).toList());
    }

    @GET
    @Path("/{userId}/peers")
    public ApiResponse<List<Long>> peers(@PathParam("userId") long userId) {
        return ApiResponse.ok(PEERS.getOrDefault(userId, List.of()));
    }
}
