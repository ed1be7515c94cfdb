package io.imsystem.message.client;

/** Public data of a user as auth-service's internal user lookup returns it. */
public record UserSummary(long id, String username, String nickname, String avatar) {
}
