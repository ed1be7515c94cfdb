package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.SendMessageRequest;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import io.imsystem.message.stream.MessageEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.jboss.logging.Logger;

/** Sending a private or group message: validation, idempotency by client_msg_id, who may send, storage, then delivery. */
@ApplicationScoped
public class MessageService {

    private static final Logger LOG = Logger.getLogger(MessageService.class);
    static final int MAX_CONTENT = 5000;
    private static final String DEFAULT_TYPE = "text";

    @Inject
    MessageWriter writer;

    @Inject
    MessageRepository messages;

    @Inject
    TimelineRepository timeline;

    @Inject
    UserDirectory users;

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
    MessageMetrics metrics;

    @Inject
    RelationCheck relations;

    /**
     * Stores the message once and hands it to the gateways; a retry with the same
     * {@code client_msg_id} returns the first message. The answer is the sender's view.
     */
    @Bulkhead(24)
    public MessageView send(long senderId, SendMessageRequest request, String connectionId) {
        String content = request.content() == null ? "" : request.content().strip();
        int length = content.codePointCount(0, content.length());
        if (length < 1 || length > MAX_CONTENT) {
            throw ApiException.invalidField("content", "must be 1-" + MAX_CONTENT + " characters after trimming");
        }
        if (request.receiverId() != null && request.groupId() != null) {
            throw ApiException.invalidField("group_id", "give receiver_id or group_id, not both");
        }
        if (request.receiverId() == null && request.groupId() == null) {
            throw ApiException.invalidField("receiver_id", "is required");
        }
        String msgType = request.msgType() == null || request.msgType().isBlank() ? DEFAULT_TYPE : request.msgType();
        String clientMsgId = request.clientMsgId() == null || request.clientMsgId().isBlank() ? null : request.clientMsgId();
        if (request.groupId() != null) {
            return sendToGroup(senderId, request.groupId(), content, msgType, clientMsgId, connectionId);
        }
        long receiverId = request.receiverId();
        if (receiverId == senderId) {
            throw ApiException.invalidField("receiver_id", "cannot send a message to yourself");
        }

        if (clientMsgId != null) {
            var earlier = messages.findByClientMsgId(senderId, clientMsgId);
            if (earlier.isPresent()) {
                return repeated(earlier.get(), receiverId, null, content, msgType);
            }
        }
        users.require(receiverId);
        relations.requireMaySend(senderId, receiverId);

        MessageWriter.Stored stored;
        try {
            stored = writer.insertPrivate(senderId, receiverId, content, msgType, clientMsgId);
        } catch (RuntimeException e) {
            if (clientMsgId == null || !isDuplicateKey(e)) {
                throw e;
            }
            // A concurrent retry won the race: answer with what it stored.
            Message first = messages.findByClientMsgId(senderId, clientMsgId).orElseThrow(() -> e);
            return repeated(first, receiverId, null, content, msgType);
        }
        Message m = stored.message();
        LOG.debugf("message %s stored: %s -> %s", m.id, (Object) senderId, (Object) receiverId);

        cache.messageAdded(CachedMessage.of(m, stored.senderSeq(), stored.receiverSeq()));
        Map<Long, Long> seqs = new LinkedHashMap<>();
        seqs.put(receiverId, stored.receiverSeq());
        seqs.put(senderId, stored.senderSeq());
        delivery.deliver(Frames.chat(m, stored.receiverSeq()), List.of(receiverId, senderId), seqs, connectionId);
        events.sent(m.id, senderId, receiverId);
        metrics.sent();
        return MessageView.of(m, stored.senderSeq());
    }

    /**
     * A group message: stored once with a timeline row (and seq) for every member at that moment, then
     * handed to every gateway that holds a member, each entry naming only its own members. The sender
     * is told of no deliveries or reads (no receipts in groups).
     */
    private MessageView sendToGroup(long senderId, long groupId, String content, String msgType, String clientMsgId,
            String connectionId) {
        if (clientMsgId != null) {
            var earlier = messages.findByClientMsgId(senderId, clientMsgId);
            if (earlier.isPresent()) {
                return repeated(earlier.get(), null, groupId, content, msgType);
            }
        }
        MessageWriter.StoredInGroup stored;
        try {
            stored = Deadlocks.retry(() -> writer.insertGroup(senderId, groupId, content, msgType, clientMsgId));
        } catch (RuntimeException e) {
            if (clientMsgId == null || !isDuplicateKey(e)) {
                throw e;
            }
            Message first = messages.findByClientMsgId(senderId, clientMsgId).orElseThrow(() -> e);
            return repeated(first, null, groupId, content, msgType);
        }
        Message m = stored.message();
        LOG.debugf("message %s stored: %s -> group %s (%d members)", m.id, (Object) senderId, (Object) groupId, stored.seqs().size());

        cache.usersChanged(stored.seqs().keySet());
        long senderSeq = stored.seqOf(senderId);
        delivery.deliverToEach(Frames.groupChat(m, senderSeq), stored.seqs().keySet(), stored.seqs(), connectionId);
        events.sentToGroup(m.id, senderId, groupId);
        metrics.sent();
        return MessageView.of(m, senderSeq);
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
            delivery.deliverToEach(Frames.deleted(messageId, userId), members, null, connectionId);
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

    private MessageView repeated(Message first, Long receiverId, Long groupId, String content, String msgType) {
        if (!Objects.equals(first.receiverId, receiverId) || !Objects.equals(first.groupId, groupId)
                || !first.content.equals(content) || !first.msgType.equals(msgType)) {
            throw ApiException.conflict(ErrorCodes.IDEMPOTENCY_CONFLICT,
                    "client_msg_id was already used for another message");
        }
        if (first.deletedAt != null) {
            throw ApiException.conflict(ErrorCodes.IDEMPOTENCY_CONFLICT, "client_msg_id belongs to a deleted message");
        }
        var row = timeline.findRow(first.senderId, first.id);
        if (row.isEmpty() && groupId != null) {
            // The sender left the group since: its messages are hidden from them, like the group.
            throw ApiException.notFound("group");
        }
        long seq = row.map(r -> r.entry().seq)
                .orElseThrow(() -> new IllegalStateException("message " + first.id + " has no timeline row of its sender"));
        return MessageView.of(first, seq);
    }

    static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 1062 || "23000".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
