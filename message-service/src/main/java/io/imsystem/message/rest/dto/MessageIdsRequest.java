package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of POST /api/v1/messages/delivered: the messages a device received. */
public record MessageIdsRequest(
        @NotEmpty(message = "must list at least one message id") @Size(max = 500, message = "at most 500 ids")
        @JsonAlias({"msgIds", "messageIds", "message_ids"}) List<@NotNull Long> msgIds) {
}
