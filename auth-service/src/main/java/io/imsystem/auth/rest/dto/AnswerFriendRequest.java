package io.imsystem.auth.rest.dto;

import com.fasterxml.jackson.annotation.JsonAlias;

/** Body of POST /api/v1/friends/accept and /reject: the request answered. */
public record AnswerFriendRequest(@JsonAlias("requestId") Long requestId) {
}
