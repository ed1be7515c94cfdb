package io.imsystem.message.rest.dto;

import java.time.Instant;

/** A member of a group: role ({@code owner}, {@code admin}, {@code member}), since when, and the user's names when auth-service could tell them. */
public record MemberView(long userId, String role, Instant joinedAt, String username, String nickname) {
}
