package io.imsystem.message.service;

import io.imsystem.message.model.Message;
import io.imsystem.message.rest.dto.MessageView;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A private message as the conversation cache keeps it: with both participants' seqs, so either can be answered. */
public record CachedMessage(long id, long senderId, Long receiverId, String content, String msgType, String status,
        String clientMsgId, Instant createdAt, Instant updatedAt, long senderSeq, long receiverSeq) {

    public static CachedMessage of(Message m, long senderSeq, long receiverSeq) {
        return new CachedMessage(m.id, m.senderId, m.receiverId, m.content, m.msgType, m.status, m.clientMsgId,
                m.createdAt, m.updatedAt, senderSeq, receiverSeq);
    }

    public MessageView viewFor(long userId) {
        return new MessageView(id, userId == senderId ? senderSeq : receiverSeq, senderId, receiverId, null, content, msgType,
                status, Message.READ.equals(status), MessageView.PRIVATE, clientMsgId,
                createdAt.truncatedTo(ChronoUnit.SECONDS), updatedAt.truncatedTo(ChronoUnit.SECONDS));
    }
}
