package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.Message;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.SendMessageRequest;
import io.imsystem.message.service.MessageWriter.Outgoing;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import io.imsystem.message.stream.MessageEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sending a private or group message (the checks that need no store, then the {@link SendPipeline}, which
 * stores many sends per transaction) and deleting one.
 */
@ApplicationScoped
public class MessageService {

    static final int MAX_CONTENT = 5000;
    private static final String DEFAULT_TYPE = "text";

    @Inject
    SendPipeline pipeline;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageEvents events;

    @Inject
    MessageCache cache;

    @Inject
    MessageAccess access;

    @Inject
    MessageWriter.Deleter deleter;

    @Inject
    MessageRelations relations;

    /**
     * Stores the message once and hands it to the gateways; a retry with the same
     * {@code client_msg_id} returns the first message. The answer is the sender's view, once committed.
     */
    public MessageView send(long senderId, SendMessageRequest request, String connectionId) {
        try {
            return relations.complete(submit(senderId, request, connectionId).join(), senderId);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Checks a send and queues it for the next batch ({@link SendPipeline}); the answer completes once
     * it is committed (the sender's view) or failed. Sends queued one after another get their seqs in
     * that order.
     */
    public CompletableFuture<MessageView> submit(long senderId, SendMessageRequest request, String connectionId) {
        try {
            return pipeline.submit(checked(senderId, request, connectionId));
        } catch (RuntimeException e) {
            // A refused send (or a failed look-up of what it quotes) fails alone, never its batch.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The content of a send or an edit: trimmed, 1-5000 characters (400 otherwise). */
    static String checkedContent(String raw) {
        String content = raw == null ? "" : raw.strip();
        int length = content.codePointCount(0, content.length());
        if (length < 1 || length > MAX_CONTENT) {
            throw ApiException.invalidField("content", "must be 1-" + MAX_CONTENT + " characters after trimming");
        }
        return content;
    }

    private Outgoing checked(long senderId, SendMessageRequest request, String connectionId) {
        String content = checkedContent(request.content());
        if (request.receiverId() != null && request.groupId() != null) {
            throw ApiException.invalidField("group_id", "give receiver_id or group_id, not both");
        }
        if (request.receiverId() == null && request.groupId() == null) {
            throw ApiException.invalidField("receiver_id", "is required");
        }
        if (request.receiverId() != null && request.receiverId() == senderId) {
            throw ApiException.invalidField("receiver_id", "cannot send a message to yourself");
        }
        String msgType = request.msgType() == null || request.msgType().isBlank() ? DEFAULT_TYPE : request.msgType();
        String clientMsgId = request.clientMsgId() == null || request.clientMsgId().isBlank() ? null : request.clientMsgId();
        return new Outgoing(senderId, request.receiverId(), request.groupId(), content, msgType, clientMsgId, connectionId,
                relations.checkSend(senderId, request));
    }

    /**
     * Takes a message back: sender only (403), anyone but its participants gets 404; hidden from both
     * sides, or from every member of its group.
     */
    public void delete(long userId, long messageId, String connectionId) {
        Message m = access.visible(userId, messageId);
        if (m.senderId != userId) {
            throw ApiException.forbidden("only the sender can delete a message");
        }
        if (m.groupId != null) {
            List<Long> members = deleter.softDeleteInGroup(m).orElseThrow(() -> ApiException.notFound("message"));
            cache.usersChanged(members);
            delivery.deliver(Frames.deleted(messageId, userId), members, null, connectionId);
            events.deleted(messageId, userId);
            return;
        }
        if (!deleter.softDelete(messageId)) {
            throw ApiException.notFound("message");
        }
        long receiver = m.receiverId;
        cache.conversationChanged(userId, receiver);
        cache.userChanged(userId);
        cache.userChanged(receiver);
        delivery.deliver(Frames.deleted(messageId, userId), List.of(receiver, userId), null, connectionId);
        events.deleted(messageId, userId);
    }
}
