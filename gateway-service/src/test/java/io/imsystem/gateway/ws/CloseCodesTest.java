package io.imsystem.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class CloseCodesTest {

    @Test
    void theCloseComesFromTheFailuresTypeNotItsText() {
        assertEquals(CloseCodes.FRAME_TOO_BIG, CloseCodes.forFailure(
                new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length of 262144 has been exceeded.")));
        assertEquals(1002, CloseCodes.forFailure(
                new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "bad opcode")).code());
        assertEquals(CloseCodes.FRAME_TOO_BIG, CloseCodes.forFailure(new TooLongFrameException("whatever")));
        assertEquals(1002, CloseCodes.forFailure(new CorruptedFrameException("x")).code());
        assertEquals(CloseCodes.FRAME_TOO_BIG, CloseCodes.forFailure(
                new IllegalStateException("Cannot process text frame of size 300000, it would cause message buffer (size 0) to overflow max message size of 262144")));
        assertEquals(CloseCodes.FRAME_TOO_BIG, CloseCodes.forFailure(new RuntimeException(new TooLongFrameException("wrapped"))));
    }

    @Test
    void failuresWhoseTextMentionsSizesButAreNotOversizeCloseNothing() {
        assertNull(CloseCodes.forFailure(new IOException("Connection reset by peer (max retries, size 0)")));
        assertNull(CloseCodes.forFailure(new RuntimeException("too big")));
    }

    @Test
    void theEndOfASessionHasItsOwnCodeAndAShortReason() {
        assertEquals(4401, CloseCodes.sessionEnded("logout").code());
        assertEquals("logout", CloseCodes.sessionEnded("logout").reason());
        assertEquals("session ended", CloseCodes.sessionEnded(null).reason());
        assertEquals(64, CloseCodes.sessionEnded("x".repeat(200)).reason().length());
    }
}
