package io.imsystem.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;
import jakarta.validation.constraints.Size;

/** Body of POST /api/v1/friends/request: whom to ask, and an optional note to them. */
public record AddFriendRequest(
        @JsonAlias("toUserId")
        Long toUserId,
        @Size(max = 200, message = "must be at most 200 characters")
        String message) {
}
