package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.message.config.MessageConfig;
import io.imsystem.message.model.ChangeRepository;
import io.imsystem.message.model.GroupMember;
import io.imsystem.message.model.GroupRepository;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.MessageChange;
import io.imsystem.message.model.MessageRepository;
import io.imsystem.message.model.ReactionRepository;
import io.imsystem.message.model.SeqRepository;
import io.imsystem.message.model.TimelineRepository;
import io.imsystem.message.model.TimelineRow;
import io.imsystem.message.rest.dto.ChangeView;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.stream.DeliveryPublisher;
import io.imsystem.message.stream.Frames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Edits and recalls: changes of a message that keep its id and seq, take the next seq in every
 * participant's timeline (so a device that was away finds them in sync's {@code changes}), update the
 * message everywhere it is shown (history, sync, conversation lists, caches) and reach every device
 * of every participant as an {@code edited} or {@code recalled} frame. Outsiders get 404, as for any
 * message.
 */
@ApplicationScoped
public class MessageChanges {

    static final String TEXT = "text";

    @Inject
    MessageAccess access;

    @Inject
    Writer writer;

    @Inject
    MessageCache cache;

    @Inject
    DeliveryPublisher delivery;

    @Inject
    MessageRelations relations;

    @Inject
    MessageConfig config;

    @Inject
    GroupRepository groups;

    @Inject
    TimelineRepository timeline;

    /** What a change transaction did: the message afterwards and, unless nothing changed, the change and each participant's seq of it. */
    record Applied(Message message, MessageChange change, Map<Long, Long> seqs) {

        static Applied nothing(Message m) {
            return new Applied(m, null, Map.of());
        }
    }

    /**
     * The sender replaces the content of a text message within the edit window (403 for anyone else,
     * 403 WINDOW_PASSED later, 409 RECALLED once recalled). Editing to the same content changes nothing.
     * Answers the editor's view of the message.
     */
    public MessageView edit(long userId, long messageId, String rawContent, String connectionId) {
        Message m = access.visible(userId, messageId);
        if (m.senderId != userId) {
            throw ApiException.forbidden("only the sender can edit a message");
        }
        String content = MessageService.checkedContent(rawContent);
        if (!TEXT.equals(m.msgType)) {
            throw ApiException.forbidden("only text messages can be edited");
        }
        if (m.recalled()) {
            throw recalled();
        }
        if (passed(m, config.editWindow())) {
            throw windowPassed("edited", config.editWindow());
        }
        Applied a = Deadlocks.retry(() -> writer.edit(messageId, userId, content));
        publish(a, connectionId);
        TimelineRow row = timeline.findRow(userId, messageId).orElseThrow(() -> ApiException.notFound("message"));
        return relations.complete(MessageView.of(new TimelineRow(row.entry(), a.message())), userId);
    }

    /**
     * Withdraws a message for everyone: its sender within the recall window (403 WINDOW_PASSED later),
     * or the owner or an admin of its group at any time (403 for anyone else). Its content, the content of
     * its edits and its reactions are removed; it stays in place with content "" and recalled true, no
     * longer unread. Recalling a recalled message changes nothing.
     */
    public void recall(long userId, long messageId, String connectionId) {
        Message m = access.visible(userId, messageId);
        if (m.recalled()) {
            return;
        }
        boolean manager = m.groupId != null && groups.member(m.groupId, userId).map(GroupMember::manages).orElse(false);
        if (!manager) {
            if (m.senderId != userId) {
                throw ApiException.forbidden("only the sender, or a group's owner or admin, can recall a message");
            }
            if (passed(m, config.recallWindow())) {
                throw windowPassed("recalled", config.recallWindow());
            }
        }
        publish(Deadlocks.retry(() -> writer.recall(messageId, userId)), connectionId);
    }

    /** After the commit: the caches that show the message, then the frame to every device of every participant. */
    private void publish(Applied a, String connectionId) {
        if (a.change() == null) {
            return;
        }
        Message m = a.message();
        if (m.groupId == null) {
            cache.conversationChanged(m.senderId, m.receiverId);
        }
        // Conversation lists show the last message, unread counts drop with a recall.
        cache.usersChanged(a.seqs().keySet());
        long anySeq = a.seqs().values().iterator().next();
        delivery.deliver(Frames.change(ChangeView.of(anySeq, a.change())), a.seqs().keySet(), a.seqs(), connectionId);
    }

    private static boolean passed(Message m, Duration window) {
        return m.createdAt.plus(window).isBefore(Instant.now());
    }

    private static ApiException windowPassed(String what, Duration window) {
        return new ApiException(403, ErrorCodes.WINDOW_PASSED, "a message can only be " + what + " within " + window.toString()
                .substring(2).toLowerCase() + " of sending");
    }

    static ApiException recalled() {
        return ApiException.conflict(ErrorCodes.RECALLED, "the message was recalled");
    }

    /**
     * The transactions of a change. Locks in one order: the message row, then (of a group message) the
     * group row shared like a send, then the participants' timeline rows (a recall), then their seq rows
     * in ascending user id as every send does; a deadlock with an ack, which locks timeline rows before
     * the message row, is retried.
     */
    @ApplicationScoped
    public static class Writer {

        @Inject
        ChangeRepository changes;

        @Inject
        MessageRepository messages;

        @Inject
        GroupRepository groups;

        @Inject
        SeqRepository seqs;

        @Inject
        ReactionRepository reactions;

        @Transactional
        Applied edit(long messageId, long by, String content) {
            Message m = locked(messageId);
            if (m.recalled()) {
                throw recalled();
            }
            if (content.equals(m.content)) {
                return Applied.nothing(m);
            }
            List<Long> participants = participants(m);
            Instant now = now();
            m.content = content;
            m.editedAt = now;
            m.updatedAt = now;
            return record(m, MessageChange.EDITED, content, by, now, participants);
        }

        @Transactional
        Applied recall(long messageId, long by) {
            Message m = locked(messageId);
            if (m.recalled()) {
                return Applied.nothing(m);
            }
            List<Long> participants = participants(m);
            changes.markReadOnRecall(participants, m.id);
            Instant now = now();
            m.content = "";
            m.recalledAt = now;
            m.updatedAt = now;
            m.reactionCount = 0;
            changes.wipeContents(m.id);
            reactions.removeAll(m.id);
            return record(m, MessageChange.RECALLED, null, by, now, participants);
        }

        /** The message, locked until commit and read afresh (404 once deleted). */
        private Message locked(long messageId) {
            if (!changes.lockMessage(messageId)) {
                throw ApiException.notFound("message");
            }
            Message m = messages.findById(messageId);
            messages.getEntityManager().refresh(m);
            if (m.deletedAt != null) {
                throw ApiException.notFound("message");
            }
            return m;
        }

        /** Both sides of a private message; of a group message, the members who have it in their timeline. */
        private List<Long> participants(Message m) {
            if (m.groupId == null) {
                return List.of(Math.min(m.senderId, m.receiverId), Math.max(m.senderId, m.receiverId));
            }
            groups.lockShared(m.groupId);
            return changes.holders(m.id, groups.memberIds(m.groupId));
        }

        /** The change, with the next seq of every participant. */
        private Applied record(Message m, String kind, String content, long by, Instant now, List<Long> participants) {
            Map<Long, Integer> counts = new TreeMap<>();
            participants.forEach(u -> counts.put(u, 1));
            Map<Long, Long> before = seqs.allocate(counts);
            Map<Long, Long> seqOf = new TreeMap<>();
            participants.forEach(u -> seqOf.put(u, before.get(u) + 1));
            MessageChange c = new MessageChange();
            c.messageId = m.id;
            c.kind = kind;
            c.content = content;
            c.byUser = by;
            c.createdAt = now;
            changes.persist(c);
            if (!seqOf.isEmpty()) {
                changes.insertEntries(c, seqOf);
            }
            return new Applied(m, seqOf.isEmpty() ? null : c, seqOf);
        }

        private static Instant now() {
            return Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
    }
}
