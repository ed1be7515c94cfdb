package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
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

/** Unread messages and marking them read; the senders are told with {@code read} frames. */
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

    public List<MessageView> unread(long userId) {
        return timeline.unread(userId, MAX_UNREAD_LIST).stream().map(r -> MessageView.of(r.message(), r.entry().seq)).toList();
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
        UnreadCount count = new UnreadCount(total, byUser);
        cache.fillUnread(userId, version, count);
        return count;
    }

    /** Marks one message read: 404 unless the caller takes part in it, 403 unless the caller received it. */
    public void markRead(long userId, long messageId) {
        Message m = access.visible(userId, messageId);
        if (!java.util.Objects.equals(m.receiverId, userId)) {
            throw ApiException.forbidden("only the receiver can mark a message read");
        }
        mark(userId, null, List.of(messageId));
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
        Map<Long, List<Long>> bySender = Deadlocks.retry(() -> markInTx(userId, peerId, messageIds));
        int marked = 0;
        for (Map.Entry<Long, List<Long>> e : bySender.entrySet()) {
            long sender = e.getKey();
            List<Long> ids = e.getValue();
            marked += ids.size();
            cache.conversationChanged(userId, sender);
            delivery.deliver(Frames.read(ids, userId), List.of(sender), null, null);
            events.read(userId, sender, ids);
        }
        if (marked > 0) {
            cache.userChanged(userId);
        }
        return marked;
    }

    @Transactional
    Map<Long, List<Long>> markInTx(long userId, Long peerId, Collection<Long> messageIds) {
        List<TimelineRepository.Incoming> incoming = timeline.lockIncomingUnread(userId, peerId, messageIds);
        Map<Long, List<Long>> bySender = TimelineRepository.Incoming.bySender(incoming);
        if (incoming.isEmpty()) {
            return bySender;
        }
        List<Long> ids = incoming.stream().map(TimelineRepository.Incoming::messageId).toList();
        timeline.markRead(userId, ids);
        messages.update("status = ?1, updatedAt = ?2 where id in ?3", Message.READ, Instant.now(), ids);
        return bySender;
    }
}
