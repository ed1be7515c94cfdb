package io.imsystem.auth.rest.dto;

import java.util.List;

/** One page of GET /api/v1/friends/list and the number of all friends. */
public record FriendsPage(List<FriendView> friends, long total) {
}
