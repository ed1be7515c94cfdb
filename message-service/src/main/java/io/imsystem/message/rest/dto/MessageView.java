package io.imsystem.message.rest.dto;

import io.imsystem.message.model.Message;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A message as one participant sees it: {@code seq} is its place in that participant's timeline. */
public record MessageView(long id, long seq, long senderId, Long receiverId, String content, String msgType,
        String status, boolean isRead, int sessionType, String clientMsgId, Instant createdAt, Instant updatedAt) {

    public static MessageView of(Message m, long seq) {
        return new MessageView(m.id, seq, m.senderId, m.receiverId, m.content, m.msgType, m.status,
                Message.READ.equals(m.status), 1, m.clientMsgId,
                m.createdAt.truncatedTo(ChronoUnit.SECONDS), m.updatedAt.truncatedTo(ChronoUnit.SECONDS));
    }
}
