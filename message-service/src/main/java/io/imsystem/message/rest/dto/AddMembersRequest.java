package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.List;

/** Body of POST /api/v1/groups/{group_id}/members: the users to add. */
public record AddMembersRequest(
        @NotEmpty(message = "must list at least one user id")
        @JsonAlias({"userIds", "member_ids", "memberIds"}) List<@NotNull @Positive(message = "must be user ids") Long> userIds) {
}
