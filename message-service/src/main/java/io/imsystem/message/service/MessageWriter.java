package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.SeqRepository;
import io.imsystem.message.model.TimelineEntry;
import io.imsystem.message.model.TimelineRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The write transactions of a message: of a private message, both users' next seq (rows locked in
 * ascending user id, so that two opposite sends cannot deadlock), the message, and one timeline row per
 * participant; of a group message the same for every member. A duplicate {@code client_msg_id} fails
 * the insert and rolls everything back.
 */
@ApplicationScoped
public class MessageWriter {

    /** What one send stored. */
    public record Stored(Message message, long senderSeq, long receiverSeq) {
    }

    @Inject
    SeqRepository seqs;

    @Inject
    MessageRepository messages;

    @Inject
    TimelineRepository timeline;

    @Inject
    GroupRepository groups;

    @Transactional
    public Stored insertPrivate(long senderId, long receiverId, String content, String msgType, String clientMsgId) {
        long low = Math.min(senderId, receiverId);
        long high = Math.max(senderId, receiverId);
        long lowSeq = seqs.next(low);
        long highSeq = seqs.next(high);
        long senderSeq = senderId == low ? lowSeq : highSeq;
        long receiverSeq = senderId == low ? highSeq : lowSeq;

        Message m = persistMessage(senderId, receiverId, null, content, msgType, clientMsgId);
        timeline.persist(entry(senderId, senderSeq, m, receiverId, true, m.createdAt));
        timeline.persist(entry(receiverId, receiverSeq, m, senderId, false, m.createdAt));
        return new Stored(m, senderSeq, receiverSeq);
    }

    /** What one group send stored: the message and every member's seq (user → seq, ascending user id). */
    public record StoredInGroup(Message message, Map<Long, Long> seqs) {

        public long seqOf(long userId) {
            return seqs.get(userId);
        }
    }

    /**
     * The write transaction of a group message: holds the group row shared (membership changes wait),
     * reads the members as committed, then allocates each member's next seq in ascending user id (the
     * order of private sends, so the two never deadlock) and writes one timeline row per member in
     * multi-row statements. 404 unless the sender is a member.
     */
    @Transactional
    public StoredInGroup insertGroup(long senderId, long groupId, String content, String msgType, String clientMsgId) {
        if (!groups.lockShared(groupId)) {
            throw ApiException.notFound("group");
        }
        List<Long> members = groups.lockMemberIds(groupId);
        if (!members.contains(senderId)) {
            throw ApiException.notFound("group");
        }
        Map<Long, Long> memberSeqs = seqs.nextAll(members);

        Message m = persistMessage(senderId, null, groupId, content, msgType, clientMsgId);
        timeline.insertGroupRows(m, memberSeqs);
        return new StoredInGroup(m, memberSeqs);
    }

    /** The message row of a send: to a receiver or to a group (the other one null). */
    private Message persistMessage(long senderId, Long receiverId, Long groupId, String content, String msgType, String clientMsgId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message m = new Message();
        m.senderId = senderId;
        m.receiverId = receiverId;
        m.groupId = groupId;
        m.content = content;
        m.msgType = msgType;
        m.status = Message.SENT;
        m.clientMsgId = clientMsgId;
        m.createdAt = now;
        m.updatedAt = now;
        messages.persist(m);
        return m;
    }

    private static TimelineEntry entry(long user, long seq, Message m, long peer, boolean outgoing, Instant now) {
        TimelineEntry e = new TimelineEntry();
        e.userId = user;
        e.seq = seq;
        e.messageId = m.id;
        e.peerId = peer;
        e.outgoing = outgoing;
        // One's own messages are neither pending delivery nor unread.
        e.delivered = outgoing;
        e.read = outgoing;
        e.createdAt = now;
        return e;
    }

    /** The soft delete of a message: the message and both timeline rows, in one transaction. */
    @ApplicationScoped
    public static class Deleter {

        @Inject
        MessageRepository messages;

        @Inject
        TimelineRepository timeline;

        @Inject
        GroupRepository groups;

        /** False when the message was already deleted (a concurrent delete won). */
        @Transactional
        public boolean softDelete(long messageId) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            int changed = messages.update("deletedAt = ?1, updatedAt = ?1 where id = ?2 and deletedAt is null", now, messageId);
            if (changed == 0) {
                return false;
            }
            Message m = messages.findById(messageId);
            for (TimelineEntry e : timeline.entriesOf(m)) {
                e.hidden = true;
            }
            return true;
        }

        /**
         * Deletes a group message: hidden for every current member (former members' rows of the group
         * were hidden when they left). Answers the members to tell, or empty when a concurrent delete won.
         */
        @Transactional
        public Optional<List<Long>> softDeleteInGroup(Message m) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            int changed = messages.update("deletedAt = ?1, updatedAt = ?1 where id = ?2 and deletedAt is null", now, m.id);
            if (changed == 0) {
                return Optional.empty();
            }
            List<Long> members = groups.memberIds(m.groupId);
            if (!members.isEmpty()) {
                timeline.hideMessage(members, m.id);
            }
            return Optional.of(members);
        }
    }
}
