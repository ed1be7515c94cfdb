package io.imsystem.message.service;

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

/**
 * The write transaction of a private message: both users' next seq (rows locked in ascending user
 * id, so that two opposite sends cannot deadlock), the message, and one timeline row per
 * participant. A duplicate {@code client_msg_id} fails the insert and rolls everything back.
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

    @Transactional
    public Stored insertPrivate(long senderId, long receiverId, String content, String msgType, String clientMsgId) {
        long low = Math.min(senderId, receiverId);
        long high = Math.max(senderId, receiverId);
        long lowSeq = seqs.next(low);
        long highSeq = seqs.next(high);
        long senderSeq = senderId == low ? lowSeq : highSeq;
        long receiverSeq = senderId == low ? highSeq : lowSeq;

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message m = new Message();
        m.senderId = senderId;
        m.receiverId = receiverId;
        m.content = content;
        m.msgType = msgType;
        m.status = Message.SENT;
        m.clientMsgId = clientMsgId;
        m.createdAt = now;
        m.updatedAt = now;
        messages.persist(m);

        timeline.persist(entry(senderId, senderSeq, m, receiverId, true, now));
        timeline.persist(entry(receiverId, receiverSeq, m, senderId, false, now));
        return new Stored(m, senderSeq, receiverSeq);
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
    }
}
