package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.User;
import java.time.Instant;

/** A user the caller has blocked, and since when. */
public record BlockView(PublicUserView user, Instant blockedAt) {

    public static BlockView of(User blocked, Instant blockedAt) {
        return new BlockView(PublicUserView.of(blocked), UserView.seconds(blockedAt));
    }
}
