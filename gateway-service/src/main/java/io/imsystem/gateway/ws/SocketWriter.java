package io.imsystem.gateway.ws;

import io.imsystem.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Writes to sockets without ever blocking: a socket may have at most {@code max-pending-frames}
 * frames written but not flushed, past which it is closed with 1013 (never silently skipped), and
 * closes are cut at the TCP level when the client does not answer them.
 */
@ApplicationScoped
public class SocketWriter {

    private static final Logger LOG = Logger.getLogger(SocketWriter.class);
    /** A socket that does not complete the close handshake in this time is cut. */
    private static final long CLOSE_GRACE_MILLIS = 5000;
    private static final byte[] PING = {'p', 'i', 'n', 'g'};

    private final int maxPending;
    private final Counter framesOut;
    private final Counter slowClosed;
    private final Vertx vertx;

    public SocketWriter(GatewayConfig config, MeterRegistry registry, Vertx vertx) {
        this.maxPending = config.ws().maxPendingFrames();
        this.framesOut = registry.counter("im.gateway.frames.sent");
        this.slowClosed = registry.counter("im.gateway.connections.closed.slow");
        this.vertx = vertx;
    }

    void send(ClientConnection c, String text) {
        if (c.closing.get() || c.socket == null) {
            return;
        }
        if (c.unflushed.incrementAndGet() > maxPending) {
            c.unflushed.decrementAndGet();
            // What it missed stays undelivered in message-service: offline queue and sync bring it back.
            tooSlow(c);
            return;
        }
        c.socket.sendText(text).subscribe().with(ok -> {
            c.unflushed.decrementAndGet();
            framesOut.increment();
        }, e -> c.unflushed.decrementAndGet());
    }

    /** A ping (the client's pong counts as a sign of life); a socket that is closing is left alone. */
    void ping(ClientConnection c) {
        if (c.closing.get() || c.socket == null) {
            return;
        }
        c.socket.sendPing(Buffer.buffer(PING)).subscribe().with(ok -> {
        }, e -> LOG.debugf("ping of %s failed: %s", c.id, e.toString()));
    }

    /** Closes a socket that cannot keep up with what is meant for it. */
    void tooSlow(ClientConnection c) {
        if (!c.closing.get()) {
            slowClosed.increment();
        }
        close(c, CloseCodes.TOO_SLOW);
    }

    /** Closes the socket once; a connection still in its handshake closes as soon as it opens. */
    void close(ClientConnection c, CloseCodes.Close close) {
        if (c.socket == null) {
            c.refuse(close);
            return;
        }
        if (c.closing.compareAndSet(false, true)) {
            c.socket.close(new CloseReason(close.code(), close.reason())).subscribe().with(x -> {
            }, e -> LOG.debugf("close of %s failed: %s", c.id, e.toString()));
            // A client that never reads never answers the close frame: cut its connection.
            vertx.setTimer(CLOSE_GRACE_MILLIS, t -> {
                if (c.transport != null && !c.socketClosed()) {
                    c.transport.close();
                }
            });
        }
    }
}
