package io.imsystem.message.rest.dto;

import java.time.Instant;

/** One conversation of the caller: the peer, the newest visible message and the peer's unread count. */
public record ConversationView(long userId, String username, String nickname, String lastMessage, long lastMessageId,
        Instant lastTime, long unreadCount) {
}
