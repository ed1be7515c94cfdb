package io.imsystem.message;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.message.client.UserSummary;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test stand-in for auth-service's {@code GET /internal/v1/users?ids=} on the test port: every id
 * below {@link TestUsers#MISSING} exists and is called {@code user<id>}. It insists on the headers
 * the real one requires, so the tests prove message-service sends them.
 */
@Path("/internal/v1/users")
@Produces(MediaType.APPLICATION_JSON)
public class FakeAuthResource {

    public static final AtomicInteger CALLS = new AtomicInteger();

    @GET
    public ApiResponse<List<UserSummary>> users(@QueryParam("ids") String ids, @HeaderParam("X-Service") String service,
            @HeaderParam("Authorization") String authorization) {
        CALLS.incrementAndGet();
        if (!"message-service".equals(service)) {
            throw ApiException.forbidden("X-Service required");
        }
        if (authorization == null || !authorization.startsWith("Bearer ey")) {
            throw ApiException.unauthorized(ErrorCodes.UNAUTHORIZED, "token required");
        }
        return ApiResponse.ok(Arrays.stream(ids.split(",")).map(String::trim).map(Long::parseLong)
                .filter(id -> id > 0 && id < TestUsers.MISSING)
                .map(id -> new UserSummary(id, "user" + id, "Nick " + id, null))
                .toList());
    }
}
