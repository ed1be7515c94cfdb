package io.imsystem.gateway.ws;

import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.HttpConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One socket of one user, from its handshake on, with what exactly-once delivery needs: the
 * message ids already pushed on it, and the live frames held back until its replay is done.
 *
 * <p>It exists before the socket does: the handshake registers it (in this gateway and with
 * presence) and fetches the first page of the offline queue, so frames for the user that arrive
 * before the client sees the open are held here, not lost. The socket is attached at the open.
 */
final class ClientConnection {

    /** A frame held back until the replay is done; ordered by the user's seq. */
    record Held(long msgId, long seq, String text) {
    }

    /** What to do with a frame meant for this socket. */
    enum Admit {
        /** Send it now. */
        SEND,
        /** Kept until the replay is done. */
        HELD,
        /** This message was pushed here already. */
        DUPLICATE,
        /** More is held back than a socket may queue: close it (what it missed stays in the offline queue). */
        OVERFLOW
    }

    static final int REMEMBERED_IDS = 4096;

    final String id;
    final long userId;
    final String jti;
    /** The token's refresh family ({@code sid}); every socket of a session closes when it ends. */
    final String sessionId;
    /**
     * Where the socket's access token is: a string the handshake's headers keep anyway for the socket's
     * life ({@code Sec-WebSocket-Protocol} or {@code Authorization}), so that keeping it here costs
     * nothing, or the {@code ?token=} value; the token is its chars {@code [tokenStart, tokenEnd)}.
     */
    private final String credential;
    private final int tokenStart;
    private final int tokenEnd;
    /** When the token this socket was opened with expires, epoch millis (0: unknown). */
    final long expiresAtMillis;
    final long createdMillis;
    final int maxHeld;
    final AtomicInteger unflushed = new AtomicInteger();
    /** Calls to the services under way for this socket (bounded: a fast sender cannot pile up work). */
    final AtomicInteger inflightCalls = new AtomicInteger();
    final AtomicBoolean closing = new AtomicBoolean();
    volatile long lastSeenMillis;
    volatile WebSocketConnection socket;
    volatile HttpConnection transport;
    /** The socket closed (or never opened): replays stop, nothing more is written. */
    private volatile boolean gone;
    /** Set during the handshake when the socket must be closed as soon as it opens (and with what). */
    private volatile CloseCodes.Close refusal;

    private boolean live;
    private List<Held> held = List.of();
    /** Replayed frames ready before the socket opened, sent first at the open. */
    private List<String> early = List.of();
    /** The message ids pushed on this socket, the last {@link #REMEMBERED_IDS}; made at the first push (an idle socket has none). */
    private RecentIds pushed;

    private long frameWindowStart;
    private int framesInWindow;
    private int badFramesInRow;
    /** Where the offline replay goes on after the open; negative when the first page was the last. */
    volatile long offlineCursor = -1;

    ClientConnection(String id, long userId, String jti, String sessionId, String bearer, Long expiresAtSeconds, int maxHeld,
            long nowMillis) {
        this(id, userId, jti, sessionId, bearer, bearer.startsWith("Bearer ") ? 7 : 0, bearer.length(), expiresAtSeconds, maxHeld,
                nowMillis);
    }

    ClientConnection(String id, long userId, String jti, String sessionId, String credential, int tokenStart, int tokenEnd,
            Long expiresAtSeconds, int maxHeld, long nowMillis) {
        this.id = id;
        this.userId = userId;
        this.jti = jti;
        this.sessionId = sessionId;
        this.credential = credential;
        this.tokenStart = tokenStart;
        this.tokenEnd = tokenEnd;
        this.expiresAtMillis = expiresAtSeconds == null ? 0 : expiresAtSeconds * 1000;
        this.maxHeld = maxHeld;
        this.createdMillis = nowMillis;
        this.lastSeenMillis = nowMillis;
    }

    /** The {@code Authorization} value for the calls made for this socket's user (made anew unless the handshake sent exactly it). */
    String bearer() {
        if (tokenStart == 7 && tokenEnd == credential.length() && credential.startsWith("Bearer ")) {
            return credential;
        }
        return "Bearer " + credential.substring(tokenStart, tokenEnd);
    }

    void attach(WebSocketConnection socket) {
        this.socket = socket;
    }

    boolean opened() {
        return socket != null;
    }

    void gone() {
        gone = true;
    }

    /** The socket's close callback ran. */
    boolean socketClosed() {
        return gone;
    }

    boolean isGone() {
        return gone || closing.get();
    }

    /** Remembers that the socket must close as soon as it opens; the first reason wins. */
    synchronized void refuse(CloseCodes.Close close) {
        if (refusal == null) {
            refusal = close;
        }
    }

    CloseCodes.Close refusal() {
        return refusal;
    }

    /**
     * Decides what to do with a live frame meant for this socket: hold it (replay still running),
     * drop it (this message id was already pushed here) or send it now.
     */
    synchronized Admit admitLive(long msgId, long seq, String text) {
        if (!live) {
            if (held.size() >= maxHeld) {
                return Admit.OVERFLOW;
            }
            if (held.isEmpty()) {
                held = new ArrayList<>();
            }
            held.add(new Held(msgId, seq, text));
            return Admit.HELD;
        }
        return firstPush(msgId) ? Admit.SEND : Admit.DUPLICATE;
    }

    /**
     * True the first time this message id (or {@link #changeKey change key}) is pushed on this socket
     * (0: neither, always true).
     */
    synchronized boolean firstPush(long msgId) {
        if (msgId == 0) {
            return true;
        }
        if (pushed == null) {
            pushed = new RecentIds();
        }
        return pushed.putIfAbsent(msgId, Boolean.TRUE) == null;
    }

    /**
     * The key under which an edit or recall is remembered: its seq in this socket's user's timeline,
     * negated (message ids are positive), so that a change replayed by sync and delivered live is pushed once.
     */
    static long changeKey(long seq) {
        return -seq;
    }

    /** Insertion-ordered ids, the oldest forgotten past {@link #REMEMBERED_IDS}. */
    private static final class RecentIds extends LinkedHashMap<Long, Boolean> {
        RecentIds() {
            super(16, 0.75f, false);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    }

    /** Keeps a replayed frame made before the socket opened (the caller checked {@link #firstPush}). */
    synchronized void early(String text) {
        if (early.isEmpty()) {
            early = new ArrayList<>();
        }
        early.add(text);
    }

    /** The replayed frames made before the open, in order; later calls answer nothing. */
    synchronized List<String> takeEarly() {
        List<String> out = early;
        early = List.of();
        return out;
    }

    /** Ends the replay: returns the held frames not yet pushed, in seq order, and lets later frames through. */
    synchronized List<Held> goLive() {
        live = true;
        if (held.isEmpty()) {
            return List.of();
        }
        List<Held> out = new ArrayList<>();
        held.sort(Comparator.comparingLong(Held::seq));
        for (Held h : held) {
            if (firstPush(h.msgId())) {
                out.add(h);
            }
        }
        held = List.of();
        return out;
    }

    synchronized boolean isLive() {
        return live;
    }

    /** Counts an inbound frame; false when the client sends more than the limit per second. */
    synchronized boolean withinRate(int maxPerSecond, long now) {
        if (now - frameWindowStart >= 1000) {
            frameWindowStart = now;
            framesInWindow = 0;
        }
        return ++framesInWindow <= maxPerSecond;
    }

    /** Counts a malformed or unknown frame; false once the client sent too many in a row. */
    synchronized boolean toleratesBadFrame(int maxInRow) {
        return ++badFramesInRow <= maxInRow;
    }

    synchronized void goodFrame() {
        badFramesInRow = 0;
    }

    /** Whether this socket belongs to the session (or, for a token without {@code sid}, to the token) that ended. */
    boolean belongsTo(String session, String tokenId) {
        boolean bySession = session != null && !session.isEmpty();
        boolean byToken = tokenId != null && !tokenId.isEmpty();
        if (!bySession && !byToken) {
            return true;
        }
        return (bySession && session.equals(sessionId)) || (byToken && tokenId.equals(jti));
    }
}
