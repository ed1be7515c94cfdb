package io.imsystem.message.stream;

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
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "chat");
        f.put("msg_id", m.id);
        f.put("seq", seq);
        f.put("from", m.senderId);
        f.put("to", m.receiverId);
        f.put("content", m.content);
        f.put("msg_type", m.msgType);
        f.put("client_msg_id", m.clientMsgId);
        f.put("timestamp", m.createdAt.getEpochSecond());
        f.put("offline", false);
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
