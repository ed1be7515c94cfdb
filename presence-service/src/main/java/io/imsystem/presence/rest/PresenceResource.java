package io.imsystem.presence.rest;

import io.imsystem.common.limit.RateLimit;
import io.imsystem.common.limit.RateLimitOpenApi;
import io.imsystem.common.limit.RateLimiter;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.presence.rest.dto.OnlineUsersView;
import io.imsystem.presence.rest.dto.PresenceListView;
import io.imsystem.presence.rest.dto.UserPresenceView;
import io.imsystem.presence.service.PresenceQueryService;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The public presence routes of API.md. */
@Path("/api/v1")
@Authenticated
@Tag(name = "presence", description = "Who is online")
public class PresenceResource {

    private static final int DEFAULT_PAGE_SIZE = 20;
    private static final int MAX_PAGE_SIZE = 100;

    private final PresenceQueryService presence;

    public PresenceResource(PresenceQueryService presence) {
        this.presence = presence;
    }

    @RateLimit(RateLimiter.PRESENCE)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.PRESENCE)
    @GET
    @Path("/users/online")
    @Operation(summary = "Online users", description = "Paged (page from 1, page_size 1-100, default 20), most recently active first, with online_count.")
    public ApiResponse<OnlineUsersView> online(@QueryParam("page") String page, @QueryParam("page_size") String pageSize,
            @QueryParam("pageSize") String pageSizeAlias, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        int p = number("page", page, 1, 1, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = number("page_size", pageSize != null ? pageSize : pageSizeAlias, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        return ApiResponse.ok(presence.onlineUsers(p, size, authorization));
    }

    @RateLimit(RateLimiter.PRESENCE)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.PRESENCE)
    @GET
    @Path("/users/online/{user_id}")
    @Operation(summary = "Presence of one user", description = "404 for an unknown user.")
    public ApiResponse<UserPresenceView> user(@PathParam("user_id") String userId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return ApiResponse.ok(presence.user(userId("user_id", userId), authorization));
    }

    @RateLimit(RateLimiter.PRESENCE)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.PRESENCE)
    @GET
    @Path("/presence")
    @Operation(summary = "Presence of several users", description = "ids: comma-separated user ids, 1 to 200; unknown users are offline.")
    public ApiResponse<PresenceListView> batch(@QueryParam("ids") String ids) {
        if (ids == null || ids.isBlank()) {
            throw ApiException.invalidField("ids", "required: comma-separated user ids");
        }
        Set<Long> unique = new LinkedHashSet<>();
        for (String id : ids.split(",", -1)) {
            unique.add(userId("ids", id));
        }
        if (unique.size() > PresenceQueryService.MAX_IDS) {
            throw ApiException.invalidField("ids", "at most " + PresenceQueryService.MAX_IDS + " ids");
        }
        return ApiResponse.ok(presence.presence(new ArrayList<>(unique)));
    }

    private static long userId(String field, String value) {
        try {
            long id = Long.parseLong(value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw ApiException.invalidField(field, "not a user id: '" + value + "'");
    }

    private static int number(String field, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalidField(field, "must be a number from " + min + " to " + max);
    }
}
