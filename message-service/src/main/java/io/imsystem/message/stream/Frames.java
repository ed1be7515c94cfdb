package io.imsystem.message.stream;

import io.imsystem.message.model.ChatGroup;
import io.imsystem.message.model.Message;
import io.imsystem.message.model.Quote;
import io.imsystem.message.rest.dto.ChangeView;
import io.imsystem.message.rest.dto.SettingsView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The server frames of API.md ("WebSocket") that message-service sends through the gateways. */
public final class Frames {

    private Frames() {
    }

    /** {@code chat}; {@code seq} is the receiver's (the gateway sets each user's own from {@code seqs}). */
    public static Map<String, Object> chat(Message m, long seq) {
        return chat(m, seq, "to", m.receiverId);
    }

    /**
     * {@code chat} of a group message: {@code group_id} instead of {@code to}; {@code seq} is the sender's
     * (the gateway sets each member's own from {@code seqs}).
     */
    public static Map<String, Object> groupChat(Message m, long seq) {
        return chat(m, seq, "group_id", m.groupId);
    }

    private static Map<String, Object> chat(Message m, long seq, String target, Long targetId) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "chat");
        f.put("msg_id", m.id);
        f.put("seq", seq);
        f.put("from", m.senderId);
        f.put(target, targetId);
        f.put("content", m.content);
        f.put("msg_type", m.msgType);
        if (m.clientMsgId != null) {
            // Absent, not null, when the sender gave none: the same shape as a replayed frame.
            f.put("client_msg_id", m.clientMsgId);
        }
        f.put("timestamp", m.createdAt.getEpochSecond());
        f.put("offline", false);
        // A message's relations, only when it has them: a plain chat frame keeps its shape.
        if (m.quote != null) {
            f.put("reply_to", quote(m.quote));
        }
        if (m.mentions != null) {
            f.put("mentions", m.mentionIds());
        }
        if (m.mentionAll) {
            f.put("mention_all", true);
        }
        return f;
    }

    private static Map<String, Object> quote(Quote q) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", q.id());
        f.put("sender_id", q.senderId());
        f.put("excerpt", q.excerpt());
        return f;
    }

    /**
     * {@code edited} or {@code recalled}: the fields of the change in sync ({@code seq} is the reader's:
     * the gateway sets each user's own from {@code seqs}).
     */
    public static Map<String, Object> change(ChangeView c) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", c.type());
        f.put("seq", c.seq());
        f.put("msg_id", c.msgId());
        if (c.content() != null) {
            f.put("content", c.content());
        }
        if (c.editedAt() != null) {
            f.put("edited_at", c.editedAt().toString());
        }
        f.put("by", c.by());
        f.put("timestamp", c.timestamp());
        return f;
    }

    /** {@code conversation_settings}: the user's settings of the conversation with {@code user_id} or of {@code group_id}. */
    public static Map<String, Object> conversationSettings(String target, long targetId, SettingsView s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "conversation_settings");
        f.put(target, targetId);
        f.put("pinned", s.pinned());
        f.put("muted", s.muted());
        f.put("archived", s.archived());
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /** {@code reaction}: {@code userId} put ({@code add}) or took back ({@code remove}) an emoji; {@code count} is its count now. */
    public static Map<String, Object> reaction(long messageId, String emoji, long userId, boolean added, long count) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "reaction");
        f.put("msg_id", messageId);
        f.put("emoji", emoji);
        f.put("user_id", userId);
        f.put("action", added ? "add" : "remove");
        f.put("count", count);
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /**
     * {@code group}: a change of a group ({@code created}, {@code joined}, {@code left}, {@code removed},
     * {@code updated}), the group as it is afterwards, the users it concerns and who made it. Not stored:
     * a member who was offline finds the group's state with GET /api/v1/groups.
     */
    public static Map<String, Object> group(String event, ChatGroup g, long memberCount, Collection<Long> userIds, long by) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("id", g.id);
        group.put("name", g.name);
        group.put("avatar", g.avatar);
        group.put("owner_id", g.ownerId);
        group.put("member_count", memberCount);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "group");
        f.put("event", event);
        f.put("group", group);
        f.put("user_ids", List.copyOf(userIds));
        f.put("by", by);
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /** {@code delivered}: tells the sender that {@code to} received these messages. */
    public static Map<String, Object> delivered(Collection<Long> messageIds, long to) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "delivered");
        f.put("msg_ids", List.copyOf(messageIds));
        f.put("to", to);
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /** {@code read}: tells the sender that {@code readerId} read these messages. */
    public static Map<String, Object> read(Collection<Long> messageIds, long readerId) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "read");
        f.put("msg_ids", List.copyOf(messageIds));
        f.put("reader_id", readerId);
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /**
     * {@code read} of group messages, to their sender: {@code readCount} members have read each of them
     * now (debounced: one frame for many reads).
     */
    public static Map<String, Object> groupRead(long groupId, Collection<Long> messageIds, long readCount) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "read");
        f.put("group_id", groupId);
        f.put("msg_ids", List.copyOf(messageIds));
        f.put("read_count", readCount);
        f.put("timestamp", System.currentTimeMillis() / 1000);
        return f;
    }

    /** {@code deleted}: the sender took the message back. */
    public static Map<String, Object> deleted(long messageId, long by) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "deleted");
        f.put("msg_id", messageId);
        f.put("by", by);
        return f;
    }
}
