package io.imsystem.message.rest;

import io.imsystem.common.limit.RateLimit;
import io.imsystem.common.limit.RateLimitOpenApi;
import io.imsystem.common.limit.RateLimiter;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.message.rest.dto.AddMembersRequest;
import io.imsystem.message.rest.dto.CreateGroupRequest;
import io.imsystem.message.rest.dto.GroupView;
import io.imsystem.message.rest.dto.MemberView;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.RoleRequest;
import io.imsystem.message.rest.dto.UpdateGroupRequest;
import io.imsystem.message.service.ConversationService;
import io.imsystem.message.service.GroupService;
import io.imsystem.message.service.Paging;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Group chats: create, list, rename, members and roles, history. Non-members get 404 for everything of a group. */
@Path("/api/v1/groups")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "groups", description = "Group chats and their members; messages go through POST /api/v1/messages/send with group_id")
public class GroupResource {

    @Inject
    CurrentUser me;

    @Inject
    GroupService groups;

    @Inject
    ConversationService conversations;

    @RateLimit(RateLimiter.GROUP_CREATE)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.GROUP_CREATE)
    @POST
    @Operation(summary = "Create a group", description = "The caller is its owner and a member even if not listed in member_ids. "
            + "Unknown user ids get 400 naming them in fields.member_ids; more members than the maximum (500 by default) get 409 GROUP_FULL. "
            + "Every member gets a group frame (event created).")
    public ApiResponse<GroupView> create(@Valid @NotNull(message = "body is required") CreateGroupRequest request) {
        return ApiResponse.ok(groups.create(me.id(), request));
    }

    @GET
    @Operation(summary = "The groups the caller belongs to, newest first")
    public ApiResponse<List<GroupView>> mine() {
        return ApiResponse.ok(groups.mine(me.id()));
    }

    @GET
    @Path("/{group_id}")
    @Operation(summary = "One group with its members", description = "members: user_id, role (owner, admin, member), joined_at, "
            + "and username/nickname when auth-service can tell them. 404 unless the caller is a member.")
    public ApiResponse<GroupView> get(@PathParam("group_id") long groupId) {
        return ApiResponse.ok(groups.get(me.id(), groupId));
    }

    @PUT
    @Path("/{group_id}")
    @Operation(summary = "Rename the group or change its avatar", description = "Owner or admin (403 otherwise); an absent field stays, "
            + "an empty avatar removes it. Members get a group frame (event updated).")
    public ApiResponse<GroupView> update(@PathParam("group_id") long groupId,
            @Valid @NotNull(message = "body is required") UpdateGroupRequest request) {
        return ApiResponse.ok(groups.update(me.id(), groupId, request));
    }

    @RateLimit(RateLimiter.GROUP_MEMBERS)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.GROUP_MEMBERS)
    @POST
    @Path("/{group_id}/members")
    @Operation(summary = "Add members", description = "Owner or admin (403 otherwise). Users already in the group are skipped; unknown ids "
            + "get 400 (fields.user_ids); beyond the maximum size 409 GROUP_FULL. New members see messages from their joining on; "
            + "all members get a group frame (event joined).")
    public ApiResponse<GroupView> addMembers(@PathParam("group_id") long groupId,
            @Valid @NotNull(message = "body is required") AddMembersRequest request) {
        return ApiResponse.ok(groups.addMembers(me.id(), groupId, request.userIds()));
    }

    @RateLimit(RateLimiter.GROUP_MEMBERS)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.GROUP_MEMBERS)
    @DELETE
    @Path("/{group_id}/members/{user_id}")
    @Operation(summary = "Remove a member, or leave", description = "Owner or admin removes a member (an admin cannot remove the owner or "
            + "another admin); anyone removes themself (leave). An owner who leaves hands the group to the longest-standing admin, else member; "
            + "the last member who leaves deletes the group. The one who goes stops receiving at once and no longer sees the group's messages.")
    public ApiResponse<Void> removeMember(@PathParam("group_id") long groupId, @PathParam("user_id") long userId) {
        groups.removeMember(me.id(), groupId, userId);
        return ApiResponse.ok(null);
    }

    @RateLimit(RateLimiter.GROUP_MEMBERS)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.GROUP_MEMBERS)
    @PUT
    @Path("/{group_id}/members/{user_id}")
    @Operation(summary = "Make a member an admin, or a member again", description = "Owner only (403 otherwise); role admin or member.")
    public ApiResponse<MemberView> setRole(@PathParam("group_id") long groupId, @PathParam("user_id") long userId,
            @Valid @NotNull(message = "body is required") RoleRequest request) {
        return ApiResponse.ok(groups.setRole(me.id(), groupId, userId, request.role()));
    }

    @GET
    @Path("/{group_id}/messages")
    @Operation(summary = "Messages of the group, newest first", description = "Cursor paging with before_id and limit; each message with "
            + "the caller's seq and own read state; never marks anything read. Only messages since the caller joined.")
    public ApiResponse<List<MessageView>> messages(@PathParam("group_id") long groupId,
            @QueryParam("before_id") String beforeId, @QueryParam("beforeId") String beforeIdCamel, @QueryParam("limit") String limit) {
        Long before = Paging.positive("before_id", Paging.either(beforeId, beforeIdCamel));
        return ApiResponse.ok(conversations.groupHistory(me.id(), groupId, before, Paging.limit(limit, 20)));
    }
}
