package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.MentionRepository;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;

/**
 * The write transaction of a batch of sends (group commit): every participant's next seqs, the
 * messages and one timeline row per participant of each, in a handful of multi-row statements. Locks
 * are taken in one fixed order (the batch's groups shared, in ascending id, then every seq row of the
 * batch in ascending user id), the order of every other writer, so batches never deadlock with each
 * other or with membership changes. Seqs follow the batch order, so a connection's sends keep theirs.
 */
@ApplicationScoped
public class MessageWriter {

    /**
     * One send to store: to a receiver or to a group (the other one null); content and {@code links} (the
     * quoted message, the mentions) already checked.
     */
    public record Outgoing(long senderId, Long receiverId, Long groupId, String content, String msgType, String clientMsgId,
            String connectionId, MessageRelations.Links links) {

        public Outgoing(long senderId, Long receiverId, Long groupId, String content, String msgType, String clientMsgId,
                String connectionId) {
            this(senderId, receiverId, groupId, content, msgType, clientMsgId, connectionId, MessageRelations.Links.NONE);
        }
    }

    /**
     * What one send of a batch stored: the message and every participant's seq (user → seq), or the
     * failure of that send alone (a group that is gone or of which the sender is no member).
     */
    public record Stored(Outgoing send, Message message, Map<Long, Long> seqs, ApiException failure) {

        public long seqOf(long userId) {
            return seqs.get(userId);
        }
    }

    @Inject
    SeqRepository seqs;

    @Inject
    MessageRepository messages;

    @Inject
    TimelineRepository timeline;

    @Inject
    GroupRepository groups;

    @Inject
    MentionRepository mentions;

    /** Stores {@code sends} in one transaction; answers one {@link Stored} per send, in order. */
    @Transactional
    public List<Stored> insertBatch(List<Outgoing> sends) {
        // The groups first, shared and in ascending id: membership changes wait, and this batch sees the members as committed.
        Map<Long, List<Long>> members = new TreeMap<>();
        for (Outgoing o : sends) {
            if (o.groupId() != null) {
                members.put(o.groupId(), null);
            }
        }
        for (Long groupId : List.copyOf(members.keySet())) {
            members.put(groupId, groups.lockShared(groupId) ? groups.lockMemberIds(groupId) : List.of());
        }
        Map<Long, Integer> counts = new TreeMap<>();
        List<List<Long>> participants = new ArrayList<>(sends.size());
        for (Outgoing o : sends) {
            List<Long> users = o.groupId() == null ? List.of(o.senderId(), o.receiverId()) : members.get(o.groupId());
            if (o.groupId() != null && !users.contains(o.senderId())) {
                participants.add(null);
                continue;
            }
            participants.add(users);
            for (long u : users) {
                counts.merge(u, 1, Integer::sum);
            }
        }
        Map<Long, Long> last = seqs.allocate(counts);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Stored> out = new ArrayList<>(sends.size());
        List<Message> rows = new ArrayList<>(sends.size());
        for (int i = 0; i < sends.size(); i++) {
            Outgoing o = sends.get(i);
            List<Long> users = participants.get(i);
            if (users == null) {
                out.add(new Stored(o, null, null, ApiException.notFound("group")));
                continue;
            }
            Map<Long, Long> seqOf = new LinkedHashMap<>();
            for (long u : users) {
                long next = last.merge(u, 1L, Long::sum);
                seqOf.put(u, next);
            }
            Message m = newMessage(o, now);
            rows.add(m);
            out.add(new Stored(o, m, seqOf, null));
        }
        messages.insertAll(rows);

        List<TimelineEntry> entries = new ArrayList<>();
        for (Stored s : out) {
            if (s.failure() != null) {
                continue;
            }
            Message m = s.message();
            s.seqs().forEach((user, seq) -> entries.add(entry(user, seq, m)));
        }
        timeline.insertRows(entries);
        mentions.insertRows(mentionRows(out));
        return out;
    }

    /** Who the stored group messages mention: the listed members, or every member but the sender for @all. */
    private static List<MentionRepository.Row> mentionRows(List<Stored> stored) {
        List<MentionRepository.Row> rows = new ArrayList<>();
        for (Stored s : stored) {
            MessageRelations.Links links = s.failure() == null ? s.send().links() : null;
            if (links == null || s.message().groupId == null || (links.mentions().isEmpty() && !links.mentionAll())) {
                continue;
            }
            Message m = s.message();
            for (long user : links.mentionAll() ? s.seqs().keySet() : links.mentions()) {
                if (user != m.senderId && s.seqs().containsKey(user)) {
                    rows.add(new MentionRepository.Row(user, m.id, m.groupId));
                }
            }
        }
        return rows;
    }

    private static Message newMessage(Outgoing o, Instant now) {
        Message m = new Message();
        m.senderId = o.senderId();
        m.receiverId = o.receiverId();
        m.groupId = o.groupId();
        m.content = o.content();
        m.msgType = o.msgType();
        m.status = Message.SENT;
        m.clientMsgId = o.clientMsgId();
        m.createdAt = now;
        m.updatedAt = now;
        MessageRelations.Links links = o.links();
        if (links != null) {
            m.quote = links.quote();
            m.replyToId = links.quote() == null ? null : links.quote().id();
            m.mentions = Message.joinIds(links.mentions());
            m.mentionAll = links.mentionAll();
        }
        return m;
    }

    /** One participant's row: the sender's is outgoing, and one's own messages are neither pending delivery nor unread. */
    private static TimelineEntry entry(long user, long seq, Message m) {
        boolean own = user == m.senderId;
        TimelineEntry e = new TimelineEntry();
        e.userId = user;
        e.seq = seq;
        e.messageId = m.id;
        e.peerId = m.groupId != null ? null : own ? m.receiverId : Long.valueOf(m.senderId);
        e.groupId = m.groupId;
        e.outgoing = own;
        e.delivered = own;
        e.read = own;
        e.createdAt = m.createdAt;
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
