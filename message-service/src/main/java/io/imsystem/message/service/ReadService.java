package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.UnreadCount;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import io.imsystem.message.stream.MessageEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Unread messages and marking them read; the senders of private messages are told with {@code read} frames. */
@ApplicationScoped
public class ReadService {

    /** The unread list is for catching up, not an export: at most this many, oldest first. */
    static final int MAX_UNREAD_LIST = 1000;

    @Inject
    TimelineRepository timeline;

    @Inject
    MessageRepository messages;

    @Inject
    MessageAccess access;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageEvents events;

    @Inject
    MessageCache cache;

    @Inject
    GroupRepository groups;

    @Inject
    MessageRelations relations;

    @Inject
    ReceiptService receipts;

    public List<MessageView> unread(long userId) {
        return relations.complete(timeline.unread(userId, MAX_UNREAD_LIST).stream().map(MessageView::of).toList(), userId);
    }

    public UnreadCount unreadCount(long userId) {
        var cached = cache.unread(userId);
        if (cached.isPresent()) {
            return cached.get();
        }
        String version = cache.userVersion(userId);
        Map<String, Long> byUser = new LinkedHashMap<>();
        long total = 0;
        for (Object[] row : timeline.unreadByPeer(userId)) {
            long n = ((Number) row[1]).longValue();
            byUser.put(String.valueOf(row[0]), n);
            total += n;
        }
        Map<String, Long> byGroup = new LinkedHashMap<>();
        for (Object[] row : timeline.unreadByGroup(userId)) {
            long n = ((Number) row[1]).longValue();
            byGroup.put(String.valueOf(row[0]), n);
            total += n;
        }
        UnreadCount count = new UnreadCount(total, byUser, byGroup);
        cache.fillUnread(userId, version, count);
        return count;
    }

    /** Marks one message read: 404 unless the caller takes part in it, 403 unless the caller received it. */
    public void markRead(long userId, long messageId) {
        Message m = access.visible(userId, messageId);
        boolean received = m.groupId != null ? m.senderId != userId : Objects.equals(m.receiverId, userId);
        if (!received) {
            throw ApiException.forbidden("only the receiver can mark a message read");
        }
        mark(userId, null, List.of(messageId));
    }

    /** Marks every message of a group read for the caller (their read cursor moves to the newest); 404 unless a member. */
    public int markGroupRead(long userId, long groupId) {
        if (groups.member(groupId, userId).isEmpty()) {
            throw ApiException.notFound("group");
        }
        return apply(userId, Deadlocks.retry(() -> markGroupInTx(userId, groupId)));
    }

    public int markConversationRead(long userId, long peerId) {
        return mark(userId, peerId, null);
    }

    public int markAllRead(long userId) {
        return mark(userId, null, null);
    }

    /** Marks the given messages read where the caller received them (from {@code peerId}, when given). */
    public int markRead(long userId, Long peerId, Collection<Long> messageIds) {
        return mark(userId, peerId, messageIds);
    }

    private int mark(long userId, Long peerId, Collection<Long> messageIds) {
        return apply(userId, Deadlocks.retry(() -> markInTx(userId, peerId, messageIds)));
    }

    /** After the commit: tells the senders of private messages, drops what the caches knew. */
    private int apply(long userId, List<TimelineRepository.Incoming> marked) {
        for (Map.Entry<Long, List<Long>> e : TimelineRepository.Incoming.bySender(marked).entrySet()) {
            long sender = e.getKey();
            List<Long> ids = e.getValue();
            cache.conversationChanged(userId, sender);
            delivery.deliver(Frames.read(ids, userId), List.of(sender), null, null);
            events.read(userId, sender, ids);
        }
        if (!marked.isEmpty()) {
            cache.userChanged(userId);
            receipts.groupMessagesRead(marked);
        }
        return marked.size();
    }

    @Transactional
    List<TimelineRepository.Incoming> markInTx(long userId, Long peerId, Collection<Long> messageIds) {
        return markLocked(userId, timeline.lockIncomingUnread(userId, peerId, messageIds));
    }

    @Transactional
    List<TimelineRepository.Incoming> markGroupInTx(long userId, long groupId) {
        return markLocked(userId, timeline.lockIncomingUnreadOfGroup(userId, groupId));
    }

    private List<TimelineRepository.Incoming> markLocked(long userId, List<TimelineRepository.Incoming> incoming) {
        if (incoming.isEmpty()) {
            return incoming;
        }
        timeline.markRead(userId, incoming.stream().map(TimelineRepository.Incoming::messageId).toList());
        // A group message's own status is not any one member's: their state is their timeline row.
        List<Long> privateIds = TimelineRepository.Incoming.privateIds(incoming);
        if (!privateIds.isEmpty()) {
            messages.update("status = ?1, updatedAt = ?2 where id in ?3", Message.READ, Instant.now(), privateIds);
        }
        return incoming;
    }
}
