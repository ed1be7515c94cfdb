package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.Quote;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * An entry of the offline queue: API.md's fields plus what the gateway needs to build the chat frame
 * ({@code group_id} of a group message; the message's state: {@code edited_at}, {@code recalled}, and its
 * relations {@code reply_to}, {@code mentions}, {@code mention_all}, {@code reactions}).
 */
public record OfflineMessage(long id, long senderId, String content, String type, Instant createdAt,
        long seq, Long receiverId, @JsonInclude(JsonInclude.Include.NON_NULL) Long groupId, String msgType, String clientMsgId,
        Instant editedAt, boolean recalled, Quote replyTo, List<Long> mentions, boolean mentionAll, List<ReactionView> reactions) {

    public static OfflineMessage of(Message m, long seq, Quote quote, List<ReactionView> reactions) {
        return new OfflineMessage(m.id, m.senderId, m.content, m.msgType, m.createdAt.truncatedTo(ChronoUnit.SECONDS),
                seq, m.receiverId, m.groupId, m.msgType, m.clientMsgId, MessageView.seconds(m.editedAt), m.recalled(), quote,
                m.mentionIds(), m.mentionAll, reactions);
    }
}
