package io.imsystem.auth.rest.dto;

import io.imsystem.auth.model.FriendRequest;
import java.time.Instant;

/** A pending friend request in GET /api/v1/friends/requests: the request and both users' public views. */
public record PendingRequestView(long id, long fromUserId, long toUserId, String message, String status,
        Instant createdAt, PublicUserView fromUser, PublicUserView toUser) {

    public static PendingRequestView of(FriendRequest r, PublicUserView fromUser, PublicUserView toUser) {
        return new PendingRequestView(r.id, r.fromUserId, r.toUserId, r.message, r.status,
                UserView.seconds(r.createdAt), fromUser, toUser);
    }
}
