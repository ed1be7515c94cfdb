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
import io.imsystem.message.rest.dto.EditMessageRequest;
import io.imsystem.message.rest.dto.ReactionsView;
import io.imsystem.message.rest.dto.ReceiptsView;
import io.imsystem.message.rest.dto.SettingsRequest;
import io.imsystem.message.rest.dto.SettingsView;
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
import io.imsystem.message.service.MessageChanges;
import io.imsystem.message.service.ReactionService;
import io.imsystem.message.service.ConversationSettingsService;
import io.imsystem.message.service.ReceiptService;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
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

    @Inject
    MessageChanges changes;

    @Inject
    ReactionService reactions;

    @Inject
    ConversationSettingsService settings;

    @Inject
    ReceiptService receiptService;

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
    @Operation(summary = "Messages and changes after a seq, in seq order", description = "messages: the timeline's messages after "
            + "after_seq as they are now (an edited one with its new content and edited_at, a recalled one with content \"\"); changes: the "
            + "edits and recalls after after_seq, each with its own seq. Together at most limit, a gap-free run of the caller's timeline "
            + "(but deleted messages); next_seq is the highest seq of either, to pass as the next after_seq.")
    @APIResponse(responseCode = "200", description = "A page of the timeline",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.SyncAnswer.class),
                    examples = @ExampleObject(name = "sync", value = OpenApiExamples.SYNC)))
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
    @Path("/conversations/{user_id}/settings")
    @Operation(summary = "Pin, mute or archive the conversation with a user, for yourself", description = "Any of pinned, muted, "
            + "archived (booleans; an absent one stays; none at all: 400). The caller's alone: pinned conversations come first in the "
            + "conversation lists, muted ones still count unread and are flagged. The caller's other devices get a conversation_settings "
            + "frame. 404 for an unknown user.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SettingsRequest.class),
            examples = @ExampleObject(name = "pin", value = "{\"pinned\": true}")))
    @APIResponse(responseCode = "200", description = "The settings now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.SettingsAnswer.class),
                    examples = @ExampleObject(name = "settings", value = OpenApiExamples.SETTINGS)))
    public ApiResponse<SettingsView> peerSettings(@PathParam("user_id") long peerId, @NotNull(message = "body is required") SettingsRequest request,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(settings.updatePeer(me.id(), peerId, request, connectionId));
    }

    @PUT
    @Path("/groups/{group_id}/settings")
    @Operation(summary = "Pin, mute or archive a group conversation, for yourself", description = "As for a conversation with a user; "
            + "404 unless the caller is a member.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SettingsRequest.class),
            examples = @ExampleObject(name = "mute", value = "{\"muted\": true}")))
    @APIResponse(responseCode = "200", description = "The settings now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.SettingsAnswer.class),
                    examples = @ExampleObject(name = "settings", value = OpenApiExamples.SETTINGS)))
    public ApiResponse<SettingsView> groupSettings(@PathParam("group_id") long groupId, @NotNull(message = "body is required") SettingsRequest request,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(settings.updateGroup(me.id(), groupId, request, connectionId));
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

    @RateLimit(RateLimiter.SEND)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SEND)
    @PUT
    @Path("/{message_id}")
    @Operation(summary = "Edit a message you sent", description = "Text messages only, by their sender (403 for anyone else, 404 for "
            + "outsiders), within MESSAGE_EDIT_WINDOW of sending (24h by default; later 403 WINDOW_PASSED); 409 RECALLED once recalled. "
            + "The message keeps its id and seq; history, sync, conversation lists and caches show the new content with edited_at. The edit "
            + "takes the next seq in every participant's timeline (sync lists it in changes) and every device of every participant gets an "
            + "edited frame. The same content again changes nothing.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EditMessageRequest.class),
            examples = @ExampleObject(name = "edit", value = "{\"content\": \"see you at 8, not 7\"}")))
    @APIResponse(responseCode = "200", description = "The editor's view of the message",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.MessageAnswer.class),
                    examples = @ExampleObject(name = "edited", value = OpenApiExamples.EDITED)))
    public ApiResponse<MessageView> edit(@PathParam("message_id") long messageId,
            @NotNull(message = "body is required") EditMessageRequest request,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(changes.edit(me.id(), messageId, request.content(), connectionId));
    }

    @RateLimit(RateLimiter.SEND)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SEND)
    @POST
    @Path("/{message_id}/recall")
    @Operation(summary = "Recall a message for everyone", description = "Its sender within MESSAGE_RECALL_WINDOW of sending (2m by "
            + "default; later 403 WINDOW_PASSED), or the owner or an admin of its group at any time; 403 for anyone else, 404 for outsiders. "
            + "The content is removed from every store and cache (with the content of its edits and its reactions); the message keeps "
            + "its id and seq and shows content \"\" and recalled true; it no longer counts as unread; replies to it quote an empty "
            + "excerpt. Takes the next seq in every participant's timeline (a recalled change in sync) and every device gets a recalled "
            + "frame. Recalling it again changes nothing.")
    @APIResponse(responseCode = "200", description = "Recalled",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.NullAnswer.class),
                    examples = @ExampleObject(name = "recalled", value = OpenApiExamples.NULL)))
    public ApiResponse<Void> recall(@PathParam("message_id") long messageId,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        changes.recall(me.id(), messageId, connectionId);
        return ApiResponse.ok(null);
    }

    @RateLimit(RateLimiter.SEND)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SEND)
    @PUT
    @Path("/{message_id}/reactions/{emoji}")
    @Operation(summary = "React to a message with an emoji", description = "Any message the caller can see (404 otherwise); emoji: exactly "
            + "one emoji, URL-encoded (👍 is %F0%9F%91%8D), at most 32 characters (400 VALIDATION_FAILED with fields.emoji otherwise); at "
            + "most one of each per user (again changes nothing) and MESSAGE_MAX_REACTIONS_PER_USER (20) different ones per user and "
            + "message (409 REACTION_LIMIT); 409 RECALLED on a recalled message. Both sides, or every member who has the message, get a "
            + "reaction frame; reactions take no seq (a device that was away sees them in history). Answers the message's reactions.")
    @APIResponse(responseCode = "200", description = "The message's reactions, emoji in the order first used; me: the caller's own",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.ReactionsAnswer.class),
                    examples = @ExampleObject(name = "reactions", value = OpenApiExamples.REACTIONS)))
    public ApiResponse<ReactionsView> react(@PathParam("message_id") long messageId, @PathParam("emoji") String emoji,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(reactions.add(me.id(), messageId, emoji, connectionId));
    }

    @RateLimit(RateLimiter.SEND)
    @Extension(name = RateLimitOpenApi.EXTENSION, value = RateLimiter.SEND)
    @DELETE
    @Path("/{message_id}/reactions/{emoji}")
    @Operation(summary = "Take back your reaction", description = "As the PUT route; taking back a reaction one has not made changes "
            + "nothing. Answers the message's reactions.")
    @APIResponse(responseCode = "200", description = "The message's reactions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.ReactionsAnswer.class),
                    examples = @ExampleObject(name = "reactions", value = OpenApiExamples.REACTIONS)))
    public ApiResponse<ReactionsView> unreact(@PathParam("message_id") long messageId, @PathParam("emoji") String emoji,
            @HeaderParam(StreamFields.CONNECTION_HEADER) String connectionId) {
        return ApiResponse.ok(reactions.remove(me.id(), messageId, emoji, connectionId));
    }

    @GET
    @Path("/{message_id}/receipts")
    @Operation(summary = "Who received and read a message", description = "For a group message: member_count (the members who have it, "
            + "its sender aside), delivered_count, read_count and read_by (user_id and read_at, in the order they read it); any member may "
            + "ask. A private message answers the same for its receiver. 404 for outsiders. Its sender also gets read frames "
            + "({type: read, group_id, msg_ids, read_count}), debounced: at most one per group and count every MESSAGE_RECEIPT_DEBOUNCE (2s).")
    @APIResponse(responseCode = "200", description = "The message's receipts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenApiExamples.ReceiptsAnswer.class),
                    examples = @ExampleObject(name = "receipts", value = OpenApiExamples.RECEIPTS)))
    public ApiResponse<ReceiptsView> receipts(@PathParam("message_id") long messageId) {
        return ApiResponse.ok(receiptService.receipts(me.id(), messageId));
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
