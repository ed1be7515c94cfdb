package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.User;
import java.time.Instant;

/** A friend: their public user and since when the two are friends. */
public record FriendView(PublicUserView user, Instant since) {

    public static FriendView of(User friend, Instant since) {
        return new FriendView(PublicUserView.of(friend), UserView.seconds(since));
    }
}
