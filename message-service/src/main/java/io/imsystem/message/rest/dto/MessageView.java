package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.Quote;
import io.imsystem.message.model.TimelineEntry;
import io.imsystem.message.model.TimelineRow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A message as one participant sees it: {@code seq} is its place in that participant's timeline. A
 * group message ({@code group_id} set, {@code receiver_id} null, {@code session_type} 2) shows each
 * member their own delivered/read state; its sender sees it as {@code sent} (no per-member receipts).
 * A recalled message keeps its id and seq, with {@code content} "" and {@code recalled} true.
 *
 * <p>{@code reply_to} and {@code reactions} are relations to other rows: the factories leave them
 * pending (a {@link Quote#pending} quote, null reactions where the message has some) and
 * {@code MessageRelations} fills every view of a page with two queries at most.
 */
public record MessageView(long id, long seq, long senderId, Long receiverId,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long groupId, String content, String msgType,
        String status, boolean isRead, int sessionType, String clientMsgId, Instant createdAt, Instant updatedAt,
        Instant editedAt, boolean recalled, Quote replyTo, List<ReactionView> reactions, List<Long> mentions, boolean mentionAll) {

    public static final int PRIVATE = 1;
    public static final int GROUP = 2;

    /** The message with the reader's seq; for a group message, the sender's view. */
    public static MessageView of(Message m, long seq) {
        return of(m, seq, m.status, Message.READ.equals(m.status), m.receiverId);
    }

    /** The message as the owner of this timeline row sees it. */
    public static MessageView of(TimelineRow row) {
        Message m = row.message();
        TimelineEntry e = row.entry();
        if (m.groupId == null || e.outgoing) {
            return of(m, e.seq);
        }
        String status = e.read ? Message.READ : e.delivered ? Message.DELIVERED : Message.SENT;
        return of(m, e.seq, status, e.read, null);
    }

    private static MessageView of(Message m, long seq, String status, boolean read, Long receiverId) {
        return new MessageView(m.id, seq, m.senderId, receiverId, m.groupId, m.content, m.msgType, status, read,
                m.groupId == null ? PRIVATE : GROUP, m.clientMsgId, seconds(m.createdAt), seconds(m.updatedAt), seconds(m.editedAt),
                m.recalled(), m.quote != null ? m.quote : m.replyToId == null ? null : Quote.pending(m.replyToId),
                pendingReactions(m.reactionCount), m.mentionIds(), m.mentionAll);
    }

    /** No reactions, or null: to be looked up. */
    public static List<ReactionView> pendingReactions(int reactionCount) {
        return reactionCount > 0 ? null : List.of();
    }

    public static Instant seconds(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
    }

    /** This view with its relations filled in. */
    public MessageView withRelations(Quote quote, List<ReactionView> reactionList) {
        return new MessageView(id, seq, senderId, receiverId, groupId, content, msgType, status, isRead, sessionType, clientMsgId,
                createdAt, updatedAt, editedAt, recalled, quote, reactionList, mentions, mentionAll);
    }
}
