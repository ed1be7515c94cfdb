package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of POST /api/v1/messages/read: messages of one conversation to mark read. */
public record ReadRequest(
        @Positive(message = "must be a user id") @JsonAlias({"withUserId", "userId", "user_id"}) Long withUserId,
        @NotEmpty(message = "must list at least one message id") @Size(max = 500, message = "at most 500 ids")
        @JsonAlias({"messageIds", "msg_ids", "msgIds"}) List<@NotNull Long> messageIds) {
}
