package io.imsystem.presence.rest.dto;

import java.util.List;

/** A page of the online users, most recently active first, and how many are online in all. */
public record OnlineUsersView(long onlineCount, List<OnlineUserView> users) {
}
