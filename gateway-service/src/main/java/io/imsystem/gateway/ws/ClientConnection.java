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
 * One open socket of one user, with what exactly-once delivery needs: the message ids already
 * pushed on it, and the live frames held back while the offline replay runs.
 */
final class ClientConnection {

    /** A frame held back until the replay is done; ordered by the user's seq. */
    record Held(long msgId, long seq, String text) {
    }

    private static final int REMEMBERED_IDS = 4096;

    final String id;
    final long userId;
    final String jti;
    final String bearer;
    final WebSocketConnection socket;
    final HttpConnection transport;
    /** When the token this socket was opened with expires, epoch millis (0: unknown). */
    final long expiresAtMillis;
    final AtomicInteger unflushed = new AtomicInteger();
    /** Calls to message-service under way for this socket (bounded: a fast sender cannot pile up work). */
    final AtomicInteger inflightCalls = new AtomicInteger();
    final AtomicBoolean closing = new AtomicBoolean();
    volatile long lastSeenMillis = System.currentTimeMillis();

    private boolean live;
    private List<Held> held = new ArrayList<>();
    private final Map<Long, Boolean> pushed = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };

    private long frameWindowStart;
    private int framesInWindow;
    private int badFramesInRow;

    ClientConnection(String id, long userId, String jti, String bearer, WebSocketConnection socket, HttpConnection transport,
            Long expiresAtSeconds) {
        this.transport = transport;
        this.expiresAtMillis = expiresAtSeconds == null ? 0 : expiresAtSeconds * 1000;
        this.id = id;
        this.userId = userId;
        this.jti = jti;
        this.bearer = bearer;
        this.socket = socket;
    }

    /**
     * Decides what to do with a frame meant for this socket: hold it (replay still running), drop it
     * (this message id was already pushed here) or send it now.
     *
     * @return true if the caller must send the frame now
     */
    synchronized boolean admitLive(long msgId, long seq, String text) {
        if (!live) {
            held.add(new Held(msgId, seq, text));
            return false;
        }
        return firstPush(msgId);
    }

    /** For replayed messages: true the first time this message id is pushed on this socket. */
    synchronized boolean firstPush(long msgId) {
        if (msgId <= 0) {
            return true;
        }
        return pushed.putIfAbsent(msgId, Boolean.TRUE) == null;
    }

    /** Ends the replay: returns the held frames not yet pushed, in seq order, and lets later frames through. */
    synchronized List<Held> goLive() {
        live = true;
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
}
