package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A user as the user themself sees it: the public fields and the email. */
public record UserView(long id, String username, String email, String nickname, String avatar, String status,
        Instant lastSeen, Instant createdAt, Instant updatedAt) {

    public static UserView of(User u) {
        return new UserView(u.id, u.username, u.email, u.nickname, u.avatar, u.status,
                seconds(u.lastSeen), seconds(u.createdAt), seconds(u.updatedAt));
    }

    static Instant seconds(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
    }
}
