package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.TimelineEntry;
import io.imsystem.message.model.TimelineRow;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A message as one participant sees it: {@code seq} is its place in that participant's timeline. A
 * group message ({@code group_id} set, {@code receiver_id} null, {@code session_type} 2) shows each
 * member their own delivered/read state; its sender sees it as {@code sent} (no per-member receipts).
 */
public record MessageView(long id, long seq, long senderId, Long receiverId,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long groupId, String content, String msgType,
        String status, boolean isRead, int sessionType, String clientMsgId, Instant createdAt, Instant updatedAt) {

    public static final int PRIVATE = 1;
    public static final int GROUP = 2;

    /** The message with the reader's seq; for a group message, the sender's view. */
    public static MessageView of(Message m, long seq) {
        return new MessageView(m.id, seq, m.senderId, m.receiverId, m.groupId, m.content, m.msgType, m.status,
                Message.READ.equals(m.status), m.groupId == null ? PRIVATE : GROUP, m.clientMsgId,
                m.createdAt.truncatedTo(ChronoUnit.SECONDS), m.updatedAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The message as the owner of this timeline row sees it. */
    public static MessageView of(TimelineRow row) {
        Message m = row.message();
        TimelineEntry e = row.entry();
        if (m.groupId == null || e.outgoing) {
            return of(m, e.seq);
        }
        String status = e.read ? Message.READ : e.delivered ? Message.DELIVERED : Message.SENT;
        return new MessageView(m.id, e.seq, m.senderId, null, m.groupId, m.content, m.msgType, status, e.read, GROUP,
                m.clientMsgId, m.createdAt.truncatedTo(ChronoUnit.SECONDS), m.updatedAt.truncatedTo(ChronoUnit.SECONDS));
    }
}
