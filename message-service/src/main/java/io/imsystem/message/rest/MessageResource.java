package io.imsystem.message.rest;

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

/** Private messages: send, history, sync, offline queue, unread and read state, delete, conversation lists. */
@Path("/api/v1/messages")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "messages", description = "Send, read and delete private messages; sync, offline queue, conversations")
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

    @POST
    @Path("/send")
    @Operation(summary = "Send a private message", description = "Idempotent per sender by client_msg_id; answers the sender's view with the sender's seq.")
    public ApiResponse<MessageView> send(@Valid @NotNull(message = "body is required") SendMessageRequest request,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(messages.send(me.id(), request, connectionId));
    }

    @GET
    @Path("/sync")
    @Operation(summary = "Messages after a seq, in seq order")
    public ApiResponse<SyncResult> sync(@QueryParam("after_seq") String afterSeq, @QueryParam("afterSeq") String afterSeqCamel,
            @QueryParam("limit") String limit) {
        return ApiResponse.ok(timeline.sync(me.id(), Paging.cursor("after_seq", Paging.either(afterSeq, afterSeqCamel)), Paging.limit(limit, 20)));
    }

    @GET
    @Path("/offline")
    @Operation(summary = "Undelivered incoming messages, oldest first")
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
    @Operation(summary = "Messages with one user, newest first", description = "Cursor paging with before_id and limit; never marks anything read.")
    public ApiResponse<List<MessageView>> history(@QueryParam("withUserId") String withUserId, @QueryParam("with_user_id") String withUserIdSnake,
            @QueryParam("before_id") String beforeId, @QueryParam("beforeId") String beforeIdCamel, @QueryParam("limit") String limit) {
        Long peer = Paging.positive("with_user_id", Paging.either(withUserIdSnake, withUserId));
        if (peer == null) {
            throw io.imsystem.common.api.ApiException.invalidField("with_user_id", "is required");
        }
        Long before = Paging.positive("before_id", Paging.either(beforeId, beforeIdCamel));
        return ApiResponse.ok(conversations.history(me.id(), peer, before, 0, Paging.limit(limit, 20), false));
    }

    @GET
    @Path("/unread")
    @Operation(summary = "Unread incoming messages, oldest first")
    public ApiResponse<List<MessageView>> unread() {
        return ApiResponse.ok(reads.unread(me.id()));
    }

    @GET
    @Path("/unread/count")
    @Operation(summary = "Unread incoming messages in all and per peer (by_user)")
    public ApiResponse<UnreadCount> unreadCount() {
        return ApiResponse.ok(reads.unreadCount(me.id()));
    }

    @PUT
    @Path("/{message_id}/read")
    @Operation(summary = "Mark one message read", description = "403 unless the caller received it; 404 for anyone but its sender and receiver.")
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
    @Operation(summary = "Delete a message you sent", description = "Soft delete, hidden for both sides; the receiver gets a deleted frame.")
    public ApiResponse<Void> delete(@PathParam("message_id") long messageId,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        messages.delete(me.id(), messageId, connectionId);
        return ApiResponse.ok(null);
    }

    @GET
    @Path("/conversations")
    @Operation(summary = "Recent conversations, newest first")
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
