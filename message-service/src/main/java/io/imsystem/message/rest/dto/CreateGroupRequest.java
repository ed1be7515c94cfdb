package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.List;

/** Body of POST /api/v1/groups: the name and the first members (the creator joins as owner in any case). */
public record CreateGroupRequest(
        @NotBlank(message = "must not be empty") String name,
        @JsonAlias({"memberIds", "user_ids", "userIds"}) List<@NotNull @Positive(message = "must be user ids") Long> memberIds) {
}
