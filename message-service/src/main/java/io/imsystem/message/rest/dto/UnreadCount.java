package io.imsystem.message.rest.dto;

import java.util.Map;

/** Unread incoming messages in all, per peer ({@code by_user}: peer id → count) and per group ({@code by_group}). */
public record UnreadCount(long unreadCount, Map<String, Long> byUser, Map<String, Long> byGroup) {

    public UnreadCount {
        // Counts cached before groups existed have no by_group.
        byGroup = byGroup == null ? Map.of() : byGroup;
    }
}
