package io.imsystem.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads one client frame and hands it to the handler of its {@code type}, from a table; checks
 * what holds for every frame type first (size, frames per second, a JSON object). Plain Java: what
 * an outcome means for the socket is the caller's.
 */
final class FrameDispatch {

    /** The handler of one frame type: validates the frame's fields and starts its work. */
    @FunctionalInterface
    interface Handler {
        Outcome handle(ClientConnection c, JsonNode frame, int length);
    }

    /** What became of a frame. */
    sealed interface Outcome permits Handled, Bad, Close {
    }

    /** Taken (its answer, if any, comes later). */
    record Handled() implements Outcome {
    }

    /** Refused with an {@code error} frame; {@code ref} names the frame (client_msg_id or type), or null. */
    record Bad(String message, String ref) implements Outcome {
    }

    /** The socket must close. */
    record Close(CloseCodes.Close close) implements Outcome {
    }

    static final Handled HANDLED = new Handled();

    private final ObjectMapper mapper;
    private final Map<String, Handler> handlers;
    private final int maxFrameSize;
    private final int maxFramesPerSecond;

    FrameDispatch(ObjectMapper mapper, Map<String, Handler> handlers, int maxFrameSize, int maxFramesPerSecond) {
        this.mapper = mapper;
        this.handlers = Map.copyOf(handlers);
        this.maxFrameSize = maxFrameSize;
        this.maxFramesPerSecond = maxFramesPerSecond;
    }

    Outcome dispatch(ClientConnection c, String text, long now) {
        // A UTF-8 character is at most 3 bytes per UTF-16 char: count the bytes only when it could matter.
        if (text.length() > maxFrameSize
                || (text.length() * 3L > maxFrameSize && text.getBytes(StandardCharsets.UTF_8).length > maxFrameSize)) {
            return new Close(CloseCodes.FRAME_TOO_BIG);
        }
        if (!c.withinRate(maxFramesPerSecond, now)) {
            return new Close(CloseCodes.TOO_MANY_FRAMES);
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return new Bad("malformed JSON", null);
        }
        if (frame == null || !frame.isObject()) {
            return new Bad("a frame is a JSON object", null);
        }
        String type = frame.path("type").asText("");
        Handler handler = handlers.get(type);
        if (handler == null) {
            return new Bad("unknown frame type '" + truncate(type) + "'", type.isEmpty() ? null : truncate(type));
        }
        Outcome outcome = handler.handle(c, frame, text.length());
        if (outcome instanceof Handled) {
            c.goodFrame();
        }
        return outcome;
    }

    static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
