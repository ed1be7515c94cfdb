package io.imsystem.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Builds the server frames of API.md from message-service's JSON views. */
final class Frames {

    private Frames() {
    }

    /** A {@code chat} frame from a message view or an offline entry of message-service. */
    static ObjectNode chat(ObjectMapper mapper, JsonNode m, boolean offline) {
        ObjectNode f = mapper.createObjectNode();
        f.put("type", "chat");
        f.put("msg_id", m.path("id").asLong());
        f.put("seq", m.path("seq").asLong());
        f.put("from", m.path("sender_id").asLong());
        if (m.hasNonNull("group_id")) {
            f.put("group_id", m.path("group_id").asLong());
        }
        if (m.hasNonNull("receiver_id")) {
            f.put("to", m.path("receiver_id").asLong());
        }
        f.put("content", m.path("content").asText());
        f.put("msg_type", m.hasNonNull("msg_type") ? m.path("msg_type").asText() : m.path("type").asText("text"));
        if (m.hasNonNull("client_msg_id")) {
            f.put("client_msg_id", m.path("client_msg_id").asText());
        }
        f.put("timestamp", epochSeconds(m.path("created_at").asText(null)));
        f.put("offline", offline);
        // Its state and relations (API.md, "Rich messages"), only where there is something to say, as the live frame does.
        if (m.hasNonNull("reply_to")) {
            f.set("reply_to", m.get("reply_to"));
        }
        if (m.path("mentions").isArray() && !m.path("mentions").isEmpty()) {
            f.set("mentions", m.get("mentions"));
        }
        if (m.path("mention_all").asBoolean(false)) {
            f.put("mention_all", true);
        }
        if (m.hasNonNull("edited_at")) {
            f.put("edited_at", m.path("edited_at").asText());
        }
        if (m.path("recalled").asBoolean(false)) {
            f.put("recalled", true);
        }
        if (m.path("reactions").isArray() && !m.path("reactions").isEmpty()) {
            f.set("reactions", m.get("reactions"));
        }
        return f;
    }

    /** The JSON text of a frame. */
    static String write(ObjectMapper mapper, JsonNode frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode error(ObjectMapper mapper, int code, String error, String message, String ref) {
        ObjectNode f = mapper.createObjectNode();
        f.put("type", "error");
        f.put("code", code);
        f.put("error", error);
        f.put("message", message);
        if (ref != null) {
            f.put("ref", ref);
        }
        return f;
    }

    static long epochSeconds(String iso) {
        if (iso == null) {
            return Instant.now().getEpochSecond();
        }
        try {
            return Instant.parse(iso).getEpochSecond();
        } catch (DateTimeParseException e) {
            return Instant.now().getEpochSecond();
        }
    }
}
