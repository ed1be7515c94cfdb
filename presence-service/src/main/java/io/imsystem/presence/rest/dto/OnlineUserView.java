package io.imsystem.presence.rest.dto;

/** One entry of the online list. */
public record OnlineUserView(long userId, String username, String status, String lastSeen, boolean connected, int devices) {
}
