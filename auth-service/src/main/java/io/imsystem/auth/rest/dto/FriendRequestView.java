package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.FriendRequest;
import java.time.Instant;

/** A friend request as API.md names it (also the {@code request} of the friend_request frame). */
public record FriendRequestView(long id, long fromUserId, long toUserId, String message, String status,
        Instant createdAt) {

    public static FriendRequestView of(FriendRequest r) {
        return new FriendRequestView(r.id, r.fromUserId, r.toUserId, r.message, r.status, UserView.seconds(r.createdAt));
    }
}
