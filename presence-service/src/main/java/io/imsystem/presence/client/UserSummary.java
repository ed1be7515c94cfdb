package io.imsystem.presence.client;

/** A user as auth-service's internal lookup returns it. */
public record UserSummary(long id, String username, String nickname, String avatar) {
}
