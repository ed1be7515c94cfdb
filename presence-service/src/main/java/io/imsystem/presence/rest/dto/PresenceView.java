package io.imsystem.presence.rest.dto;

/** The presence of one user in a batch answer. */
public record PresenceView(long userId, boolean online, String status, String lastSeen) {
}
