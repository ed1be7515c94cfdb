package io.imsystem.auth.rest;

import io.imsystem.common.limit.RateLimit;
import io.imsystem.common.limit.RateLimitOpenApi;
import io.imsystem.common.limit.RateLimiter;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import io.imsystem.auth.rest.dto.AddFriendRequest;
import io.imsystem.auth.rest.dto.AnswerFriendRequest;
import io.imsystem.auth.rest.dto.FriendRequestView;
import io.imsystem.auth.rest.dto.FriendView;
import io.imsystem.auth.rest.dto.FriendsPage;
import io.imsystem.auth.rest.dto.PendingRequestView;
import io.imsystem.auth.service.FriendService;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Friend requests and the friend list (API.md, "Contacts"). */
@Path("/api/v1/friends")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Contacts", description = "Friend requests, friends and blocks")
public class FriendResource {

    private final FriendService friends;
    private final CurrentUser currentUser;

    public FriendResource(FriendService friends, CurrentUser currentUser) {
        this.friends = friends;
        this.currentUser = currentUser;
    }

    @RateLimit(RateLimiter.FRIEND_REQUEST)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.FRIEND_REQUEST)
    @POST
    @Path("request")
    @Operation(summary = "Ask another user to be friends, with an optional message (at most 200 characters)",
            description = "The addressee gets a friend_request frame. 400 for yourself, 404 for an unknown user, "
                    + "403 BLOCKED when the addressee has blocked you (or you them), 409 ALREADY_FRIENDS, "
                    + "409 REQUEST_PENDING while your request to them is pending. When they have already asked you, "
                    + "this accepts their request instead: you become friends at once, the answer is your request "
                    + "with status accepted, and they get a friend frame (event accepted) for their request.")
    public ApiResponse<FriendRequestView> request(@Valid @NotNull(message = "body is required") AddFriendRequest request) {
        return ApiResponse.ok(friends.request(currentUser.id(), request));
    }

    @POST
    @Path("accept")
    @Operation(summary = "Accept a friend request addressed to you; answers the new friend",
            description = "The requester gets a friend frame (event accepted). 404 when the request is unknown "
                    + "or not addressed to you; 409 REQUEST_NOT_PENDING when it was already answered or cancelled.")
    public ApiResponse<FriendView> accept(@NotNull(message = "body is required") AnswerFriendRequest request) {
        return ApiResponse.ok(friends.accept(currentUser.id(), request));
    }

    @POST
    @Path("reject")
    @Operation(summary = "Reject a friend request addressed to you, or cancel your own pending request",
            description = "The addressee rejects (status rejected); the requester cancels (status cancelled). Nobody "
                    + "is told. 404 when the request is unknown or neither yours nor addressed to you; "
                    + "409 REQUEST_NOT_PENDING when it was already answered or cancelled.")
    public ApiResponse<Void> reject(@NotNull(message = "body is required") AnswerFriendRequest request) {
        friends.reject(currentUser.id(), request);
        return ApiResponse.ok(null);
    }

    @GET
    @Path("requests")
    @Operation(summary = "Pending friend requests to you (direction=incoming, the default) or from you (outgoing)",
            description = "Newest first, each with the public from_user and to_user. At most limit (1-100, default 100) "
                    + "at a time; pass the last id as before_id for older ones.")
    public ApiResponse<List<PendingRequestView>> requests(@QueryParam("direction") String direction,
            @QueryParam("before_id") String beforeId,
            @QueryParam("beforeId") String beforeIdAlias,
            @QueryParam("limit") String limit) {
        String before = beforeId != null ? beforeId : beforeIdAlias;
        return ApiResponse.ok(friends.pending(currentUser.id(), direction,
                before == null || before.isBlank() ? null : UserResource.id("before_id", before),
                UserResource.number("limit", limit, FriendService.MAX_REQUESTS)));
    }

    @GET
    @Path("list")
    @Operation(summary = "Your friends, newest friendship first, one page at a time",
            description = "page from 1, page_size 1-100 (default 20); total counts all your friends.")
    public ApiResponse<FriendsPage> list(@QueryParam("page") String page,
            @QueryParam("page_size") String pageSize,
            @QueryParam("pageSize") String pageSizeAlias) {
        String size = pageSize != null ? pageSize : pageSizeAlias;
        return ApiResponse.ok(friends.list(currentUser.id(), UserResource.number("page", page, 1),
                UserResource.number("page_size", size, 20)));
    }

    @DELETE
    @Path("{user_id}")
    @Operation(summary = "Stop being friends with a user, on both sides",
            description = "The other user gets a friend frame (event removed). 404 when you are not friends.")
    public ApiResponse<Void> remove(@PathParam("user_id") String userId) {
        friends.remove(currentUser.id(), UserResource.id("user_id", userId));
        return ApiResponse.ok(null);
    }
}
