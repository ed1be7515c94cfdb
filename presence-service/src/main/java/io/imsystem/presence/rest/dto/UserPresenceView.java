package io.imsystem.presence.rest.dto;

/** The presence of one user. */
public record UserPresenceView(long userId, boolean online, String username, String status, String lastSeen,
        boolean connected, int devices) {
}
