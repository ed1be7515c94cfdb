package io.imsystem.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imsystem.gateway.client.PresenceBackend;
import io.imsystem.gateway.client.PresenceClient;
import io.imsystem.gateway.config.GatewayConfig;
import io.imsystem.gateway.config.GatewayIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The life of every socket of this gateway: set up during the handshake (registered here and with
 * presence, first offline page fetched) so that it is live the moment the client sees the open,
 * replay merged with live frames, frames from the stream written to it, and its close (session
 * ended, idle, token expired, shutdown). Client frames are {@link InboundFrames}'s.
 */
@ApplicationScoped
public class ChatSessions {

    static final UserData.TypedKey<ClientConnection> CONNECTION = new UserData.TypedKey<>("im.connection");
    static final UserData.TypedKey<Long> SINCE_SEQ = UserData.TypedKey.forLong("im.since");
    /** A connection whose handshake did not end in an open within this time is dropped. */
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private static final Logger LOG = Logger.getLogger(ChatSessions.class);

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final GatewayConfig.Ws limits;
    private final String gatewayId;
    private final ObjectMapper mapper;
    private final PresenceBackend presence;
    private final Replay replay;
    private final SocketWriter writer;
    private final InboundFrames inbound;
    /** Set at shutdown: presence hears `gateway-down` instead of one unregistration per socket. */
    private volatile boolean stopping;
    /** When the last sweep ran (0: never), for the pings due since. */
    private long lastSweepMillis;

    public ChatSessions(GatewayConfig config, GatewayIdentity identity, ObjectMapper mapper, PresenceBackend presence,
            Replay replay, SocketWriter writer, InboundFrames inbound, MeterRegistry registry) {
        this.limits = config.ws();
        this.gatewayId = identity.id();
        this.mapper = mapper;
        this.presence = presence;
        this.replay = replay;
        this.writer = writer;
        this.inbound = inbound;
        registry.gaugeMapSize("im.gateway.connections.open", List.of(), this.registry.byIdView());
    }

    // ---- lifecycle -------------------------------------------------------------------------

    /** A new connection of a verified user, before its socket exists. */
    ClientConnection newConnection(long userId, String jti, String sessionId, UpgradeGuard.Token token, Long expiresAtSeconds) {
        return new ClientConnection(UUID.randomUUID().toString(), userId, jti, sessionId, token.source(), token.start(), token.end(),
                expiresAtSeconds, limits.maxPendingFrames(), System.currentTimeMillis());
    }

    /**
     * During the handshake: takes a place under the user's connection cap, registers the route with
     * presence and fetches the first offline page, so that everything stored or sent from the open on
     * reaches the socket. Never fails: a connection that cannot be set up is refused at its open
     * (4429 over the cap, 1013 when presence or message-service cannot be reached).
     */
    Uni<Void> prepare(ClientConnection c) {
        if (!registry.add(c, limits.maxConnectionsPerUser())) {
            c.refuse(CloseCodes.CONNECTION_LIMIT);
            return Uni.createFrom().voidItem();
        }
        return presence.register(c.bearer(), new PresenceClient.Registration(c.id, c.userId, gatewayId))
                .chain(() -> replay.firstOfflinePage(c))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("connection %s of user %d could not start: %s", c.id, c.userId, e.toString());
                    c.refuse(CloseCodes.UNAVAILABLE);
                    drop(c);
                    return Uni.createFrom().voidItem();
                });
    }

    void opened(WebSocketConnection socket) {
        ClientConnection c = socket.userData().get(CONNECTION);
        if (c == null) {
            socket.close(new io.quarkus.websockets.next.CloseReason(CloseCodes.SERVER_ERROR, "no connection")).subscribe().with(x -> {
            }, e -> {
            });
            return;
        }
        c.attach(socket);
        dropIdleHandler(c);
        CloseCodes.Close refusal = c.refusal();
        if (refusal == null && !registry.contains(c)) {
            refusal = CloseCodes.UNAVAILABLE; // dropped meanwhile (handshake took too long)
        }
        if (refusal != null) {
            writer.close(c, refusal);
            return;
        }
        for (String text : c.takeEarly()) {
            writer.send(c, text);
        }
        Long since = socket.userData().remove(SINCE_SEQ);
        replay.rest(c, since).subscribe().with(ignored -> goLive(c), failure -> {
            LOG.warnf("replay for connection %s of user %d failed: %s", c.id, c.userId, failure.toString());
            writer.close(c, CloseCodes.UNAVAILABLE);
        });
    }

    /**
     * Takes Vert.x's HTTP idle-timeout handler off an open socket's pipeline: a socket is watched by the
     * sweep (pings, {@code WS_READ_TIMEOUT}), so the HTTP idle timer, a scheduled task and a handler per
     * socket, is not needed once it is a WebSocket.
     */
    private static void dropIdleHandler(ClientConnection c) {
        if (c.transport instanceof io.vertx.core.net.impl.ConnectionBase base) {
            io.netty.channel.Channel channel = base.channel();
            channel.eventLoop().execute(() -> {
                if (channel.pipeline().get("idle") != null) {
                    channel.pipeline().remove("idle");
                }
            });
        }
    }

    private void goLive(ClientConnection c) {
        for (ClientConnection.Held h : c.goLive()) {
            writer.send(c, h.text());
        }
    }

    void closed(WebSocketConnection socket) {
        ClientConnection c = socket.userData().get(CONNECTION);
        if (c != null) {
            c.gone();
            drop(c);
        }
    }

    /** Forgets a connection and takes its registration back (once, whoever calls). */
    private void drop(ClientConnection c) {
        if (registry.remove(c) && !stopping) {
            presence.unregister(c.id, c.userId)
                    .subscribe().with(x -> {
                    },
                            e -> LOG.warnf("could not unregister connection %s: %s (it expires with its heartbeat)", c.id, e.toString()));
        }
    }

    void received(WebSocketConnection socket, String text) {
        ClientConnection c = socket.userData().get(CONNECTION);
        if (c != null && !c.closing.get()) {
            inbound.received(c, text);
        }
    }

    void touched(WebSocketConnection socket) {
        ClientConnection c = socket.userData().get(CONNECTION);
        if (c != null) {
            c.lastSeenMillis = System.currentTimeMillis();
        }
    }

    void failed(WebSocketConnection socket, Throwable error) {
        ClientConnection c = socket.userData().get(CONNECTION);
        CloseCodes.Close close = CloseCodes.forFailure(error);
        if (c != null && close != null) {
            writer.close(c, close);
        } else {
            LOG.debugf("socket %s failed: %s", socket.id(), error.toString());
        }
    }

    // ---- frames to clients -----------------------------------------------------------------

    /**
     * Writes one stream entry's frame to the connections of the listed users on this gateway (held
     * back for those whose replay still runs, the open included).
     *
     * @param seqs each user's own seq for this message, set into that user's copy of the frame
     */
    public void deliver(String frameText, Collection<Long> users, Map<Long, Long> seqs, String excludeConn) {
        ObjectNode frame;
        try {
            frame = (ObjectNode) mapper.readTree(frameText);
        } catch (JsonProcessingException | ClassCastException e) {
            LOG.warn("dropping a malformed deliver entry (not a JSON object)");
            return;
        }
        String type = frame.path("type").asText();
        long msgId = "chat".equals(type) ? frame.path("msg_id").asLong(0) : 0;
        boolean change = "edited".equals(type) || "recalled".equals(type);
        for (Long user : users) {
            Collection<ClientConnection> conns = registry.ofUser(user);
            if (conns.isEmpty()) {
                continue;
            }
            Long seq = seqs.get(user);
            String text = frameText;
            if (seq != null) {
                frame.put("seq", seq);
                text = Frames.write(mapper, frame);
            }
            for (ClientConnection c : conns) {
                if (c.id.equals(excludeConn)) {
                    continue;
                }
                long key = change && seq != null ? ClientConnection.changeKey(seq) : msgId;
                switch (c.admitLive(key, seq == null ? 0 : seq, text)) {
                    case SEND -> writer.send(c, text);
                    case OVERFLOW -> writer.tooSlow(c);
                    default -> {
                    }
                }
            }
        }
    }

    /**
     * Closes the user's sockets of a session that ended (4401): those of the refresh family
     * {@code session}, or opened with the token {@code jti}; every socket of the user when neither is given.
     */
    public void closeSession(long userId, String session, String jti, String reason) {
        CloseCodes.Close close = CloseCodes.sessionEnded(reason);
        for (ClientConnection c : registry.ofSession(userId, session, jti)) {
            writer.close(c, close);
        }
    }

    /** At shutdown: closes every socket, telling clients to reconnect (to another replica). */
    public void closeAll() {
        stopping = true;
        for (ClientConnection c : registry.all()) {
            writer.close(c, CloseCodes.RESTARTING);
        }
    }

    /**
     * One pass over every connection, every sweep interval, in place of a timer per socket: pings the
     * sockets whose ping interval ended since the last pass (each on its own phase, counted from its
     * handshake, so the pings of a gateway spread over the interval), closes sockets that sent
     * nothing, not even a pong, for longer than the read timeout, and sockets whose token has expired
     * (the client reconnects with a fresh one); drops connections whose handshake never ended in an open.
     */
    public void closeIdleAndExpired() {
        long now = System.currentTimeMillis();
        long previous = lastSweepMillis;
        lastSweepMillis = now;
        long ping = limits.pingInterval().toMillis();
        long deadline = now - limits.readTimeout().toMillis();
        for (ClientConnection c : registry.all()) {
            if (!c.opened()) {
                if (c.createdMillis < now - HANDSHAKE_TIMEOUT_MILLIS) {
                    drop(c);
                }
            } else if (c.lastSeenMillis < deadline) {
                writer.close(c, CloseCodes.IDLE);
            } else if (c.expiresAtMillis > 0 && c.expiresAtMillis <= now) {
                writer.close(c, CloseCodes.TOKEN_EXPIRED);
            } else if (ping > 0 && previous > 0 && (now - c.createdMillis) / ping > Math.max(0, previous - c.createdMillis) / ping) {
                writer.ping(c);
            }
        }
    }

    /** "connId:userId" of every connection, for presence heartbeats. */
    public List<String> connectionIds() {
        List<String> out = new ArrayList<>(registry.size());
        for (ClientConnection c : registry.all()) {
            out.add(c.id + ":" + c.userId);
        }
        return out;
    }
}
