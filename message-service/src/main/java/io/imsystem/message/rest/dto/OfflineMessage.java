package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.Message;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** An entry of the offline queue: API.md's fields plus what the gateway needs to build the chat frame ({@code group_id} of a group message). */
public record OfflineMessage(long id, long senderId, String content, String type, Instant createdAt,
        long seq, Long receiverId, @JsonInclude(JsonInclude.Include.NON_NULL) Long groupId, String msgType, String clientMsgId) {

    public static OfflineMessage of(Message m, long seq) {
        return new OfflineMessage(m.id, m.senderId, m.content, m.msgType, m.createdAt.truncatedTo(ChronoUnit.SECONDS),
                seq, m.receiverId, m.groupId, m.msgType, m.clientMsgId);
    }
}
