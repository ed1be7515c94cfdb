package io.imsystem.message.service;

import io.imsystem.message.model.Message;
import io.imsystem.message.model.Quote;
import io.imsystem.message.rest.dto.MessageView;
import java.time.Instant;
import java.util.List;

/**
 * A private message as the conversation cache keeps it: with both participants' seqs, so either can be
 * answered. Its relations are kept as ids and counts (the quote's excerpt and the reactions, with the
 * reader's own, are filled in on the way out), so an edit, recall or reaction only drops the cache.
 */
public record CachedMessage(long id, long senderId, Long receiverId, String content, String msgType, String status,
        String clientMsgId, Instant createdAt, Instant updatedAt, long senderSeq, long receiverSeq,
        Instant editedAt, boolean recalled, Long replyToId, int reactionCount, List<Long> mentions) {

    public static CachedMessage of(Message m, long senderSeq, long receiverSeq) {
        return new CachedMessage(m.id, m.senderId, m.receiverId, m.content, m.msgType, m.status, m.clientMsgId,
                m.createdAt, m.updatedAt, senderSeq, receiverSeq, m.editedAt, m.recalled(), m.replyToId, m.reactionCount,
                m.mentionIds());
    }

    public MessageView viewFor(long userId) {
        return new MessageView(id, userId == senderId ? senderSeq : receiverSeq, senderId, receiverId, null, content, msgType,
                status, Message.READ.equals(status), MessageView.PRIVATE, clientMsgId,
                MessageView.seconds(createdAt), MessageView.seconds(updatedAt), MessageView.seconds(editedAt), recalled,
                replyToId == null ? null : Quote.pending(replyToId), MessageView.pendingReactions(reactionCount),
                mentions == null ? List.of() : mentions, false);
    }
}
