package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of POST /api/v1/messages/send: to one user ({@code receiver_id}) or to a group
 * ({@code group_id}), exactly one of the two; either may come as a numeric string. Optionally a reply
 * ({@code reply_to}: a message of the same conversation) and, in a group, {@code mentions} (members)
 * and {@code mention_all} (owner and admins).
 */
public record SendMessageRequest(
        @Positive(message = "must be a user id")
        @JsonAlias({"toUserId", "receiverId", "to_user_id", "to"}) Long receiverId,
        @Positive(message = "must be a group id")
        @JsonAlias({"groupId"}) Long groupId,
        @NotBlank(message = "must not be empty") String content,
        @Size(max = 20, message = "at most 20 characters")
        @Pattern(regexp = "[A-Za-z0-9_]+", message = "letters, digits and _ only")
        @JsonAlias({"msgType"}) String msgType,
        @Size(max = 64, message = "at most 64 characters")
        @Pattern(regexp = "[\\x21-\\x7E]+", message = "printable ASCII without spaces")
        @JsonAlias({"clientMsgId"}) String clientMsgId,
        @Positive(message = "must be a message id")
        @JsonAlias({"replyTo", "reply_to_id", "replyToId"}) Long replyTo,
        @Size(max = 50, message = "at most 50 users")
        List<@Positive(message = "must be user ids") Long> mentions,
        @JsonAlias({"mentionAll"}) Boolean mentionAll) {

    /** A plain send (no reply, no mentions). */
    public SendMessageRequest(Long receiverId, Long groupId, String content, String msgType, String clientMsgId) {
        this(receiverId, groupId, content, msgType, clientMsgId, null, null, null);
    }
}
