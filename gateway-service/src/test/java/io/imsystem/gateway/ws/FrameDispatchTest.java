package io.imsystem.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameDispatchTest {

    final List<String> handled = new ArrayList<>();
    final ClientConnection c = new ClientConnection("c", 1, "j", "s", "Bearer x", null, 10, 0);

    FrameDispatch dispatch(int maxSize, int perSecond) {
        return new FrameDispatch(new ObjectMapper(), Map.of(
                "heartbeat", (conn, frame, length) -> {
                    handled.add("heartbeat");
                    return FrameDispatch.HANDLED;
                },
                "typing", (conn, frame, length) -> frame.path("to").canConvertToLong()
                        ? FrameDispatch.HANDLED
                        : new FrameDispatch.Bad("to: must be another user's id", "typing")), maxSize, perSecond);
    }

    @Test
    void aFrameGoesToTheHandlerOfItsType() {
        assertEquals(FrameDispatch.HANDLED, dispatch(1000, 10).dispatch(c, "{\"type\":\"heartbeat\"}", 0));
        assertEquals(List.of("heartbeat"), handled);
    }

    @Test
    void unknownTypesMalformedJsonAndNonObjectsAreBadFrames() {
        FrameDispatch d = dispatch(1000, 100);
        FrameDispatch.Bad unknown = assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "{\"type\":\"dance\"}", 0));
        assertEquals("dance", unknown.ref());
        assertEquals(null, assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "{\"no\":1}", 0)).ref());
        assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "{not json", 0));
        assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "[1,2]", 0));
        assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "{\"type\":\"typing\",\"to\":\"x\"}", 0));
        assertEquals(List.of(), handled);
    }

    @Test
    void aHandledFrameEndsARunOfBadOnes() {
        FrameDispatch d = dispatch(1000, 100);
        c.toleratesBadFrame(2);
        c.toleratesBadFrame(2);
        d.dispatch(c, "{\"type\":\"heartbeat\"}", 0);
        assertEquals(true, c.toleratesBadFrame(2));
    }

    @Test
    void everyFrameTypeCountsAgainstTheFramesPerSecond() {
        FrameDispatch d = dispatch(1000, 2);
        d.dispatch(c, "{\"type\":\"typing\",\"to\":2}", 0);
        d.dispatch(c, "{\"type\":\"dance\"}", 0);
        FrameDispatch.Close close = assertInstanceOf(FrameDispatch.Close.class, d.dispatch(c, "{\"type\":\"heartbeat\"}", 0));
        assertEquals(CloseCodes.TOO_MANY_FRAMES, close.close());
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009CountingUtf8Bytes() {
        FrameDispatch d = dispatch(20, 100);
        assertEquals(1009, assertInstanceOf(FrameDispatch.Close.class, d.dispatch(c, "x".repeat(21), 0)).close().code());
        // 10 characters, 30 bytes.
        assertEquals(1009, assertInstanceOf(FrameDispatch.Close.class, d.dispatch(c, "\u20ac".repeat(10), 0)).close().code());
        assertInstanceOf(FrameDispatch.Bad.class, d.dispatch(c, "x".repeat(20), 0));
    }
}
