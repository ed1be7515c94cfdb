package io.imsystem.message;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import io.imsystem.message.client.Relation;
import io.imsystem.message.client.UserSummary;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test stand-in for auth-service's {@code GET /internal/v1/users?ids=} on the test port: every id
 * below {@link TestUsers#MISSING} exists and is called {@code user<id>}. It insists on the service token
 * the real one requires (message's, addressed to auth; for a relation, minted for the sender), so the
 * tests prove message-service sends it. {@link Relations} stands in
 * for {@code GET /internal/v1/relations}; tests fill {@link #BLOCKS} and {@link #FRIENDS}.
 */
@Path("/internal/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@InternalRoute(from = InternalCredential.MESSAGE, audience = InternalCredential.AUTH)
public class FakeAuthResource {

    public static final AtomicInteger CALLS = new AtomicInteger();
    public static final AtomicInteger RELATION_CALLS = new AtomicInteger();
    /** "blocker:blocked" pairs: the first user blocked the second. */
    public static final Set<String> BLOCKS = ConcurrentHashMap.newKeySet();
    /** "low:high" pairs of friends. */
    public static final Set<String> FRIENDS = ConcurrentHashMap.newKeySet();
    /** While set, the relation lookup answers 503, as an auth-service that is down behind its proxy. */
    public static final AtomicBoolean RELATIONS_DOWN = new AtomicBoolean();

    public static void block(long blocker, long blocked) {
        BLOCKS.add(blocker + ":" + blocked);
    }

    public static void befriend(long a, long b) {
        FRIENDS.add(Math.min(a, b) + ":" + Math.max(a, b));
    }

    @GET
    public ApiResponse<List<UserSummary>> users(@QueryParam("ids") String ids) {
        CALLS.incrementAndGet();
        return ApiResponse.ok(Arrays.stream(ids.split(",")).map(String::trim).map(Long::parseLong)
                .filter(id -> id > 0 && id < TestUsers.MISSING)
                .map(id -> new UserSummary(id, "user" + id, "Nick " + id, null))
                .toList());
    }

    /** auth-service's relation lookup: has {@code to} blocked {@code from}, and are they friends. */
    @Path("/internal/v1/relations")
    @Produces(MediaType.APPLICATION_JSON)
    @InternalRoute(from = InternalCredential.MESSAGE, audience = InternalCredential.AUTH)
    public static class Relations {

        @GET
        public ApiResponse<Relation> relation(@QueryParam("from") long from, @QueryParam("to") long to,
                @Context ContainerRequestContext request) {
            RELATION_CALLS.incrementAndGet();
            InternalCredential.requireUser(InternalRouteFilter.caller(request), from);
            if (RELATIONS_DOWN.get()) {
                throw ApiException.unavailable("auth-service is down");
            }
            return ApiResponse.ok(new Relation(BLOCKS.contains(to + ":" + from),
                    FRIENDS.contains(Math.min(from, to) + ":" + Math.max(from, to))));
        }
    }
}
