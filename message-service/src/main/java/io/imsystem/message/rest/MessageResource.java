package io.imsystem.message.rest;

import io.imsystem.common.limit.RateLimit;
import io.imsystem.common.limit.RateLimitOpenApi;
import io.imsystem.common.limit.RateLimiter;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.common.security.CurrentUser;
import io.imsystem.message.rest.dto.Count;
import io.imsystem.message.rest.dto.Marked;
import io.imsystem.message.rest.dto.MessageIdsRequest;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.OfflineList;
import io.imsystem.message.rest.dto.SendMessageRequest;
import io.imsystem.message.rest.dto.SyncResult;
import io.imsystem.message.rest.dto.ConversationList;
import io.imsystem.message.rest.dto.ConversationView;
import io.imsystem.message.rest.dto.ReadRequest;
import io.imsystem.message.rest.dto.UnreadCount;
import io.imsystem.message.service.ConversationService;
import io.imsystem.message.service.MessageService;
import io.imsystem.message.service.ReadService;
import io.imsystem.message.service.Paging;
import io.imsystem.message.service.TimelineService;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

/** Private and group messages: send, history, sync, offline queue, unread and read state, delete, conversation lists. */
@Path("/api/v1/messages")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "messages", description = "Send, read and delete private and group messages; sync, offline queue, conversations")
public class MessageResource {

    @Inject
    CurrentUser me;

    @Inject
    MessageService messages;

    @Inject
    TimelineService timeline;

    @Inject
    ReadService reads;

    @Inject
    ConversationService conversations;

    @RateLimit(RateLimiter.SEND)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SEND)
    @POST
    @Path("/send")
    @Operation(summary = "Send a private or group message", description = "receiver_id or group_id, exactly one. Idempotent per sender by "
            + "client_msg_id; answers the sender's view with the sender's seq. A private message to someone who blocked the sender gets 403 "
            + "BLOCKED (and 403 NOT_FRIENDS between non-friends when MESSAGE_REQUIRE_FRIENDSHIP is on); nothing is stored. 503 when "
            + "auth-service cannot tell. A group message (404 unless a member) gets a timeline row and seq in every member's timeline.")
    public ApiResponse<MessageView> send(@Valid @NotNull(message = "body is required") SendMessageRequest request,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(messages.send(me.id(), request, connectionId));
    }

    @RateLimit(RateLimiter.SYNC)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SYNC)
    @GET
    @Path("/sync")
    @Operation(summary = "Messages after a seq, in seq order")
    public ApiResponse<SyncResult> sync(@QueryParam("after_seq") String afterSeq, @QueryParam("afterSeq") String afterSeqCamel,
            @QueryParam("limit") String limit) {
        return ApiResponse.ok(timeline.sync(me.id(), Paging.cursor("after_seq", Paging.either(afterSeq, afterSeqCamel)), Paging.limit(limit, 20)));
    }

    @GET
    @Path("/offline")
    @Operation(summary = "Undelivered incoming messages, oldest first", description = "The queue holds a user's newest "
            + "MESSAGE_OFFLINE_MAX (1000) undelivered messages: total is at most that, and overflow counts the older undelivered "
            + "ones beyond it, which are not lost: sync returns them.")
    public ApiResponse<OfflineList> offline(@QueryParam("after_seq") String afterSeq, @QueryParam("afterSeq") String afterSeqCamel,
            @QueryParam("limit") String limit) {
        return ApiResponse.ok(timeline.offline(me.id(), Paging.cursor("after_seq", Paging.either(afterSeq, afterSeqCamel)), Paging.limit(limit, 100)));
    }

    @GET
    @Path("/offline/count")
    @Operation(summary = "How many incoming messages are undelivered")
    public ApiResponse<Count> offlineCount() {
        return ApiResponse.ok(new Count(timeline.offlineCount(me.id())));
    }

    @DELETE
    @Path("/offline")
    @Operation(summary = "Mark every incoming message delivered")
    public ApiResponse<Void> clearOffline() {
        timeline.clearOffline(me.id());
        return ApiResponse.ok(null);
    }

    @POST
    @Path("/delivered")
    @Operation(summary = "Mark incoming messages delivered", description = "Receiver only; the sender gets a delivered frame.")
    public ApiResponse<Marked> delivered(@Valid @NotNull(message = "body is required") MessageIdsRequest request) {
        return ApiResponse.ok(new Marked(timeline.markDelivered(me.id(), request.msgIds())));
    }

    @GET
    @Path("/history")
    @Operation(summary = "Messages with one user or of one group, newest first",
            description = "with_user_id, or group_id (404 unless a member); cursor paging with before_id and limit; never marks anything read.")
    public ApiResponse<List<MessageView>> history(@QueryParam("withUserId") String withUserId, @QueryParam("with_user_id") String withUserIdSnake,
            @QueryParam("groupId") String groupId, @QueryParam("group_id") String groupIdSnake,
            @QueryParam("before_id") String beforeId, @QueryParam("beforeId") String beforeIdCamel, @QueryParam("limit") String limit) {
        Long peer = Paging.positive("with_user_id", Paging.either(withUserIdSnake, withUserId));
        Long group = Paging.positive("group_id", Paging.either(groupIdSnake, groupId));
        if (peer == null && group == null) {
            throw ApiException.invalidField("with_user_id", "is required (or group_id)");
        }
        if (peer != null && group != null) {
            throw ApiException.invalidField("group_id", "give with_user_id or group_id, not both");
        }
        Long before = Paging.positive("before_id", Paging.either(beforeId, beforeIdCamel));
        int max = Paging.limit(limit, 20);
        if (group != null) {
            return ApiResponse.ok(conversations.groupHistory(me.id(), group, before, max));
        }
        return ApiResponse.ok(conversations.history(me.id(), peer, before, 0, max, false));
    }

    @GET
    @Path("/unread")
    @Operation(summary = "Unread incoming messages, oldest first")
    public ApiResponse<List<MessageView>> unread() {
        return ApiResponse.ok(reads.unread(me.id()));
    }

    @GET
    @Path("/unread/count")
    @Operation(summary = "Unread incoming messages in all, per peer (by_user) and per group (by_group)")
    public ApiResponse<UnreadCount> unreadCount() {
        return ApiResponse.ok(reads.unreadCount(me.id()));
    }

    @PUT
    @Path("/{message_id}/read")
    @Operation(summary = "Mark one message read", description = "403 unless the caller received it; 404 for anyone but its sender and "
            + "receiver (of a group message: its members).")
    public ApiResponse<Void> markRead(@PathParam("message_id") long messageId) {
        reads.markRead(me.id(), messageId);
        return ApiResponse.ok(null);
    }

    @PUT
    @Path("/conversations/{user_id}/read")
    @Operation(summary = "Mark every message from one user read")
    public ApiResponse<Marked> markConversationRead(@PathParam("user_id") long peerId) {
        return ApiResponse.ok(new Marked(reads.markConversationRead(me.id(), peerId)));
    }

    @PUT
    @Path("/groups/{group_id}/read")
    @Operation(summary = "Mark every message of one group read", description = "Moves the caller's read cursor of the group to its newest "
            + "message; 404 unless the caller is a member. Group senders get no read frames.")
    public ApiResponse<Marked> markGroupRead(@PathParam("group_id") long groupId) {
        return ApiResponse.ok(new Marked(reads.markGroupRead(me.id(), groupId)));
    }

    @PUT
    @Path("/read-all")
    @Operation(summary = "Mark every incoming message read")
    public ApiResponse<Marked> markAllRead() {
        return ApiResponse.ok(new Marked(reads.markAllRead(me.id())));
    }

    @POST
    @Path("/read")
    @Operation(summary = "Mark the given messages read", description = "Only messages the caller received (from with_user_id, when given) are marked.")
    public ApiResponse<Marked> markReadByIds(@Valid @NotNull(message = "body is required") ReadRequest request) {
        return ApiResponse.ok(new Marked(reads.markRead(me.id(), request.withUserId(), request.messageIds())));
    }

    @DELETE
    @Path("/{message_id}")
    @Operation(summary = "Delete a message you sent", description = "Soft delete, hidden for both sides (or every member of its group); "
            + "the receiver (the members) get a deleted frame.")
    public ApiResponse<Void> delete(@PathParam("message_id") long messageId,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        messages.delete(me.id(), messageId, connectionId);
        return ApiResponse.ok(null);
    }

    @GET
    @Path("/conversations")
    @Operation(summary = "Recent conversations, newest first", description = "With users (user_id, username, nickname) and groups "
            + "(group_id, name, avatar); a group appears once it has a message.")
    public ApiResponse<List<ConversationView>> recentConversations(@QueryParam("limit") String limit) {
        return ApiResponse.ok(conversations.conversations(me.id(), Paging.within("limit", limit, 20, 50)).conversations());
    }

    @GET
    @Path("/conversation-list")
    @Operation(summary = "Recent conversations with the total count")
    public ApiResponse<ConversationList> conversationList(@QueryParam("limit") String limit) {
        return ApiResponse.ok(conversations.conversations(me.id(), Paging.within("limit", limit, 10, 50)));
    }
}
