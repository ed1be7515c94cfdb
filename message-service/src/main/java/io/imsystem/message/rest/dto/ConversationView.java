package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One conversation of the caller, with another user ({@link Peer}: {@code user_id}, {@code username})
 * or in a group ({@link Group}: {@code group_id}, {@code name}); the kind is told by those fields, with
 * no type field (the cache reads them back the same way). Both carry the caller's own settings of it
 * ({@code pinned}, {@code muted}, {@code archived}) and whether an unread message mentions the caller
 * ({@code mentioned}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({@JsonSubTypes.Type(ConversationView.Peer.class), @JsonSubTypes.Type(ConversationView.Group.class)})
public sealed interface ConversationView {

    long lastMessageId();

    boolean pinned();

    /** A conversation with one user: the newest visible message and the peer's unread count. */
    record Peer(long userId, String username, String nickname, String lastMessage, long lastMessageId,
            Instant lastTime, long unreadCount, boolean pinned, boolean muted, boolean archived, boolean mentioned) implements ConversationView {
    }

    /** A group conversation: the group's name and avatar, the newest visible message and the group's unread count. */
    record Group(long groupId, String name, String avatar, String lastMessage, long lastMessageId,
            Instant lastTime, long unreadCount, boolean pinned, boolean muted, boolean archived, boolean mentioned) implements ConversationView {
    }
}
