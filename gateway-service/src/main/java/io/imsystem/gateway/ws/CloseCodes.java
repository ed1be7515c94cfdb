package io.imsystem.gateway.ws;

import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;

/**
 * The close codes of the chat socket, each with what a client does on it (docs/ARCHITECTURE.md,
 * "Close codes"). The 44xx codes are ours (4000-4999 is the application range), numbered after the
 * HTTP status a REST client would have got.
 */
public final class CloseCodes {

    /** A close code with its reason text (at most 123 bytes on the wire; ours are short). */
    public record Close(int code, String reason) {
    }

    /** Idle, or the gateway is stopping: reconnect (to another replica). */
    public static final int GOING_AWAY = 1001;
    /** Flooding, too many bad frames, or the token expired: reconnect with a fresh token and behave. */
    public static final int POLICY = 1008;
    /** A frame over the size limit: do not send it again. */
    public static final int TOO_BIG = 1009;
    /** Something unexpected on the server side. */
    public static final int SERVER_ERROR = 1011;
    /** The gateway could not set the socket up, or the client read too slowly: reconnect after a pause, then sync. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** The session ended (logout on any device of it, or its refresh token was reused): log in again, do not reconnect with this token. */
    public static final int SESSION_ENDED = 4401;
    /** The user already has the most sockets allowed: close another device's socket first. */
    public static final int TOO_MANY_CONNECTIONS = 4429;

    public static final Close FRAME_TOO_BIG = new Close(TOO_BIG, "frame too big");
    public static final Close TOO_MANY_FRAMES = new Close(POLICY, "too many frames");
    public static final Close TOO_MANY_BAD_FRAMES = new Close(POLICY, "too many bad frames");
    public static final Close TOKEN_EXPIRED = new Close(POLICY, "token expired");
    public static final Close IDLE = new Close(GOING_AWAY, "idle");
    public static final Close RESTARTING = new Close(GOING_AWAY, "server restarting, reconnect");
    public static final Close UNAVAILABLE = new Close(TRY_AGAIN_LATER, "try again later");
    public static final Close TOO_SLOW = new Close(TRY_AGAIN_LATER, "too slow, reconnect and sync");
    public static final Close CONNECTION_LIMIT = new Close(TOO_MANY_CONNECTIONS, "too many connections");

    private CloseCodes() {
    }

    /** The close for a session that ended, with the producer's reason ({@code logout}, {@code session revoked}). */
    public static Close sessionEnded(String reason) {
        String r = reason == null || reason.isBlank() ? "session ended" : reason;
        return new Close(SESSION_ENDED, r.length() > 64 ? r.substring(0, 64) : r);
    }

    /**
     * The close for a failure the transport reported on a socket, chosen by the exception's type;
     * null when the failure needs no close (it is only logged).
     * <ul>
     * <li>Netty's frame decoder: {@link CorruptedWebSocketFrameException} carries its own close status
     * (1009 for a frame over {@code max-frame-size}, 1002 for a protocol error); a {@link TooLongFrameException}
     * is a frame too big, any other {@link CorruptedFrameException} a protocol error.</li>
     * <li>Vert.x's message aggregation reports a message over {@code max-message-size} as an
     * {@link IllegalStateException} (WebSocketImplBase); nothing else on the read path raises one, and our own
     * callbacks never let one escape.</li>
     * </ul>
     */
    public static Close forFailure(Throwable error) {
        Throwable e = error;
        for (int depth = 0; e != null && depth < 5; depth++, e = e.getCause()) {
            if (e instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus() != null) {
                int code = corrupted.closeStatus().code();
                return code == TOO_BIG ? FRAME_TOO_BIG : new Close(code, "bad frame");
            }
            if (e instanceof TooLongFrameException) {
                return FRAME_TOO_BIG;
            }
            if (e instanceof CorruptedFrameException) {
                return new Close(1002, "bad frame");
            }
            if (e instanceof IllegalStateException) {
                return FRAME_TOO_BIG;
            }
        }
        return null;
    }
}
