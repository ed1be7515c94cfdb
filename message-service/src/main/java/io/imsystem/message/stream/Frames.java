package io.imsystem.message.stream;

import io.imsystem.message.model.ChatGroup;
import io.imsystem.message.model.Message;
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

    /** {@code deleted}: the sender took the message back. */
    public static Map<String, Object> deleted(long messageId, long by) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "deleted");
        f.put("msg_id", messageId);
        f.put("by", by);
        return f;
    }
}
