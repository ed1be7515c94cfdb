package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.User;
import java.time.Instant;

/** A user as anyone else sees it: never the email or anything about the password. */
public record PublicUserView(long id, String username, String nickname, String avatar, String status,
        Instant lastSeen, Instant createdAt, Instant updatedAt) {

    public static PublicUserView of(User u) {
        return new PublicUserView(u.id, u.username, u.nickname, u.avatar, u.status,
                UserView.seconds(u.lastSeen), UserView.seconds(u.createdAt), UserView.seconds(u.updatedAt));
    }
}
