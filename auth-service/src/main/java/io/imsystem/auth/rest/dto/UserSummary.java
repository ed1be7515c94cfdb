package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.User;

/** What other services need of a user (GET /internal/v1/users). */
public record UserSummary(long id, String username, String nickname, String avatar) {

    public static UserSummary of(User u) {
        return new UserSummary(u.id, u.username, u.nickname, u.avatar);
    }
}
