package io.imsystem.message.rest.dto;

import java.util.Map;

/** Unread incoming messages in all and per peer ({@code by_user}: peer id → count). */
public record UnreadCount(long unreadCount, Map<String, Long> byUser) {
}
