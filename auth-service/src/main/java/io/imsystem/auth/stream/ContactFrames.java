package io.imsystem.auth.stream;

import io.imsystem.auth.rest.dto.FriendRequestView;
import io.imsystem.auth.rest.dto.UserSummary;

/** The WebSocket frames (API.md) that tell the other side of a friend request, an accept or a removal. */
public final class ContactFrames {

    private ContactFrames() {
    }

    /** To the addressee of a new request. */
    public record FriendRequestFrame(String type, FriendRequestView request, UserSummary from, long timestamp) {
        public FriendRequestFrame(FriendRequestView request, UserSummary from, long timestamp) {
            this("friend_request", request, from, timestamp);
        }
    }

    /** To the requester whose request was accepted; {@code user} is the one who accepted. */
    public record FriendAcceptedFrame(String type, String event, long requestId, UserSummary user, long timestamp) {
        public FriendAcceptedFrame(long requestId, UserSummary user, long timestamp) {
            this("friend", "accepted", requestId, user, timestamp);
        }
    }

    /** To the user removed from a friend list; {@code userId} is the one who removed them. */
    public record FriendRemovedFrame(String type, String event, long userId, long timestamp) {
        public FriendRemovedFrame(long userId, long timestamp) {
            this("friend", "removed", userId, timestamp);
        }
    }
}
