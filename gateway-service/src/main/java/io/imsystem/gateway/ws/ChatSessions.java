package io.imsystem.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.wire.FrameBatch;
import io.imsystem.gateway.client.FrameBatcher;
import io.imsystem.gateway.client.MessageClient;
import io.imsystem.gateway.client.PresenceClient;
import io.imsystem.gateway.config.GatewayConfig;
import io.imsystem.gateway.config.GatewayIdentity;
import io.imsystem.gateway.stream.Relay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Every open socket of this gateway and what happens on it: registration with presence, offline
 * replay merged with live frames, client frames turned into calls to message-service, and
 * bounded writes (a client that cannot keep up is closed with 1013, never silently skipped).
 */
@ApplicationScoped
public class ChatSessions {

    static final UserData.TypedKey<Long> USER_ID = UserData.TypedKey.forLong("im.user");
    static final UserData.TypedKey<String> JTI = UserData.TypedKey.forString("im.jti");
    static final UserData.TypedKey<String> BEARER = UserData.TypedKey.forString("im.bearer");
    static final UserData.TypedKey<Long> SINCE_SEQ = UserData.TypedKey.forLong("im.since");
    /** When the socket's token expires (epoch seconds): the socket closes then, as the token stops working. */
    static final UserData.TypedKey<Long> EXPIRES_AT = UserData.TypedKey.forLong("im.exp");
    static final UserData.TypedKey<HttpConnection> TRANSPORT = new UserData.TypedKey<>("im.transport");
    /** A socket that does not complete the close handshake in this time is cut. */
    private static final long CLOSE_GRACE_MILLIS = 5000;

    private static final Logger LOG = Logger.getLogger(ChatSessions.class);
    private static final int PAGE = 100;

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final Map<Long, Set<ClientConnection>> byUser = new ConcurrentHashMap<>();

    private final GatewayConfig.Ws limits;
    private final String gatewayId;
    private final ObjectMapper mapper;
    private final MessageClient messages;
    private final FrameBatcher batcher;
    private final PresenceClient presence;
    private final Relay relay;
    private final Counter framesOut;
    private final Counter slowClosed;
    private final Vertx vertx;
    /** Set at shutdown: presence hears `gateway-down` instead of one unregistration per socket. */
    private volatile boolean stopping;

    public ChatSessions(GatewayConfig config, GatewayIdentity identity, ObjectMapper mapper,
            @RestClient MessageClient messages, FrameBatcher batcher, @RestClient PresenceClient presence, Relay relay,
            MeterRegistry registry, Vertx vertx) {
        this.vertx = vertx;
        this.limits = config.ws();
        this.gatewayId = identity.id();
        this.mapper = mapper;
        this.messages = messages;
        this.batcher = batcher;
        this.presence = presence;
        this.relay = relay;
        registry.gaugeMapSize("im.gateway.connections.open", List.of(), byId);
        this.framesOut = registry.counter("im.gateway.frames.sent");
        this.slowClosed = registry.counter("im.gateway.connections.closed.slow");
    }

    // ---- lifecycle -------------------------------------------------------------------------

    void opened(WebSocketConnection socket) {
        UserData data = socket.userData();
        ClientConnection c = new ClientConnection(socket.id(), data.get(USER_ID), data.get(JTI), data.get(BEARER), socket,
                data.get(TRANSPORT), data.get(EXPIRES_AT));
        byId.put(c.id, c);
        byUser.computeIfAbsent(c.userId, k -> ConcurrentHashMap.newKeySet()).add(c);
        Long since = data.get(SINCE_SEQ);
        // Register before fetching pending messages, so nothing sent meanwhile is missed.
        presence.register(c.bearer, new PresenceClient.Registration(c.id, c.userId, gatewayId))
                .onItem().transformToUni(r -> {
                    int status = r.getStatus();
                    r.close();
                    return status == 200 ? Uni.createFrom().voidItem()
                            : Uni.createFrom().failure(new IllegalStateException("presence answered " + status));
                })
                .chain(() -> replayOffline(c, 0))
                .chain(() -> since == null ? Uni.createFrom().item(0L) : replaySync(c, since, true))
                .subscribe().with(
                        ignored -> {
                            if (!byId.containsKey(c.id)) {
                                // Closed while it was being registered: take the registration back.
                                unregister(c);
                                return;
                            }
                            goLive(c);
                        },
                        failure -> {
                            LOG.warnf("connection %s of user %d could not start: %s", c.id, c.userId, failure.toString());
                            close(c, 1013, "try again later");
                        });
    }

    void closed(WebSocketConnection socket) {
        ClientConnection c = byId.remove(socket.id());
        if (c == null) {
            return;
        }
        Set<ClientConnection> set = byUser.get(c.userId);
        if (set != null) {
            set.remove(c);
            if (set.isEmpty()) {
                byUser.remove(c.userId, set);
            }
        }
        if (!stopping) {
            unregister(c);
        }
    }

    private void unregister(ClientConnection c) {
        presence.unregister(c.id)
                .onFailure().retry().withBackOff(Duration.ofMillis(200)).atMost(3)
                .subscribe().with(Response::close,
                        e -> LOG.warnf("could not unregister connection %s: %s (it expires with its heartbeat)", c.id, e.toString()));
    }

    private void goLive(ClientConnection c) {
        for (ClientConnection.Held h : c.goLive()) {
            send(c, h.text());
        }
    }

    // ---- replay --------------------------------------------------------------------------

    private Uni<Void> replayOffline(ClientConnection c, long afterSeq) {
        return messages.offline(c.bearer, afterSeq, PAGE).onItem().transformToUni(r -> {
            JsonNode data = dataOf(r);
            JsonNode list = data.path("messages");
            long last = afterSeq;
            for (JsonNode m : list) {
                long id = m.path("id").asLong();
                last = Math.max(last, m.path("seq").asLong());
                if (c.firstPush(id)) {
                    send(c, write(Frames.chat(mapper, m, true)));
                }
            }
            return list.size() >= PAGE && last > afterSeq ? replayOffline(c, last) : Uni.createFrom().voidItem();
        });
    }

    /** Sends the messages after {@code afterSeq} as chat frames; returns the highest seq sent. */
    private Uni<Long> replaySync(ClientConnection c, long afterSeq, boolean skipPushed) {
        return messages.sync(c.bearer, afterSeq, PAGE).onItem().transformToUni(r -> {
            JsonNode data = dataOf(r);
            long highest = afterSeq;
            for (JsonNode m : data.path("messages")) {
                highest = Math.max(highest, m.path("seq").asLong());
                long id = m.path("id").asLong();
                if (!skipPushed || c.firstPush(id)) {
                    send(c, write(Frames.chat(mapper, m, false)));
                }
            }
            long next = highest;
            return data.path("has_more").asBoolean(false) && next > afterSeq
                    ? replaySync(c, next, skipPushed)
                    : Uni.createFrom().item(next);
        });
    }

    // ---- frames from clients ---------------------------------------------------------------

    void received(WebSocketConnection socket, String text) {
        ClientConnection c = byId.get(socket.id());
        if (c == null || c.closing.get()) {
            return;
        }
        long now = System.currentTimeMillis();
        c.lastSeenMillis = now;
        if (text.length() > limits.maxFrameSize()
                || (text.length() * 3L > limits.maxFrameSize() && text.getBytes(StandardCharsets.UTF_8).length > limits.maxFrameSize())) {
            close(c, 1009, "frame too big");
            return;
        }
        if (!c.withinRate(limits.maxFramesPerSecond(), now)) {
            close(c, 1008, "too many frames");
            return;
        }
        JsonNode frame;
        try {
            frame = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            badFrame(c, "malformed JSON", null);
            return;
        }
        if (frame == null || !frame.isObject()) {
            badFrame(c, "a frame is a JSON object", null);
            return;
        }
        String type = frame.path("type").asText("");
        switch (type) {
            case "heartbeat" -> {
                c.goodFrame();
                ObjectNode ack = mapper.createObjectNode().put("type", "heartbeat_ack").put("timestamp", Instant.now().getEpochSecond());
                send(c, write(ack));
            }
            case "chat" -> {
                ObjectNode body = mapper.createObjectNode();
                copy(frame, body, "to", "receiver_id");
                copy(frame, body, "receiver_id", "receiver_id");
                copy(frame, body, "group_id", "group_id");
                copy(frame, body, "content", "content");
                copy(frame, body, "msg_type", "msg_type");
                copy(frame, body, "client_msg_id", "client_msg_id");
                chat(c, body, type, text.length());
            }
            case "message" -> {
                JsonNode payload = frame.path("payload");
                if (!payload.isObject()) {
                    badFrame(c, "payload: must be an object", type);
                    return;
                }
                chat(c, (ObjectNode) payload, type, text.length());
            }
            case "ack" -> {
                JsonNode ids = frame.has("msg_ids") ? frame.get("msg_ids") : frame.path("messageIds");
                if (!isIdList(ids)) {
                    badFrame(c, "msg_ids: must be a non-empty list of message ids", type);
                    return;
                }
                c.goodFrame();
                List<Long> msgIds = new ArrayList<>(ids.size());
                ids.forEach(id -> msgIds.add(id.asLong()));
                call(c, type, batcher.send(FrameBatch.Item.delivered(c.userId, msgIds), text.length()))
                        .subscribe().with(r -> answerFailure(c, r, type), e -> failed(c, e, type));
            }
            case "ack_read" -> {
                long id = frame.path("msg_id").asLong(0);
                if (!frame.path("msg_id").canConvertToLong() || id <= 0) {
                    badFrame(c, "msg_id: must be a message id", type);
                    return;
                }
                c.goodFrame();
                call(c, type, messages.read(c.bearer, id)).subscribe().with(r -> answerFailure(c, r, type), e -> failed(c, e, type));
            }
            case "typing" -> {
                long to = frame.path("to").asLong(0);
                if (!frame.path("to").canConvertToLong() || to <= 0 || to == c.userId) {
                    badFrame(c, "to: must be another user's id", type);
                    return;
                }
                c.goodFrame();
                ObjectNode typing = mapper.createObjectNode().put("type", "typing").put("from", c.userId).put("to", to);
                relay.toUser(to, write(typing)).subscribe().with(x -> {
                }, e -> failed(c, e, type));
            }
            case "sync" -> {
                JsonNode since = frame.has("since_seq") ? frame.get("since_seq") : frame.path("sinceSeq");
                if (!since.canConvertToLong() || since.asLong() < 0) {
                    badFrame(c, "since_seq: must be a seq >= 0", type);
                    return;
                }
                c.goodFrame();
                replaySync(c, since.asLong(), false).subscribe().with(
                        highest -> send(c, write(mapper.createObjectNode().put("type", "synced").put("seq", highest))),
                        e -> failed(c, e, type));
            }
            default -> badFrame(c, "unknown frame type '" + truncate(type) + "'", type.isEmpty() ? null : truncate(type));
        }
    }

    private void chat(ClientConnection c, ObjectNode body, String type, int bytes) {
        String clientMsgId = body.hasNonNull("client_msg_id") ? body.get("client_msg_id").asText()
                : body.hasNonNull("clientMsgId") ? body.get("clientMsgId").asText() : null;
        String ref = clientMsgId != null ? clientMsgId : type;
        c.goodFrame();
        call(c, ref, batcher.send(FrameBatch.Item.chat(c.userId, c.id, body), bytes))
                .subscribe().with(r -> answerSend(c, r, ref), e -> failed(c, e, ref));
    }

    private void answerSend(ClientConnection c, FrameBatch.Result r, String ref) {
        if (r.status() != 200 || r.data() == null) {
            answerFailure(c, r, ref);
            return;
        }
        JsonNode m = r.data();
        long msgId = m.path("id").asLong();
        c.firstPush(msgId);
        ObjectNode ack = mapper.createObjectNode().put("type", "ack");
        if (m.hasNonNull("client_msg_id")) {
            ack.put("client_msg_id", m.path("client_msg_id").asText());
        }
        ack.put("msg_id", msgId).put("seq", m.path("seq").asLong())
                .put("timestamp", Frames.epochSeconds(m.path("created_at").asText(null)));
        send(c, write(ack));
    }

    /**
     * Bounds the calls one socket has under way: past the limit the frame is answered at once with a
     * 429 error frame (the client retries), so a flooding client cannot queue up work in the services.
     */
    private <T> Uni<T> call(ClientConnection c, String ref, Uni<T> request) {
        if (c.inflightCalls.incrementAndGet() > limits.maxInflightCalls()) {
            c.inflightCalls.decrementAndGet();
            return Uni.createFrom().failure(new TooManyInFlight());
        }
        return request.onTermination().invoke(() -> c.inflightCalls.decrementAndGet());
    }

    /** The socket has too many calls under way. */
    private static final class TooManyInFlight extends RuntimeException {
        TooManyInFlight() {
            super("too many requests in flight", null, false, false);
        }
    }

    private void badFrame(ClientConnection c, String message, String ref) {
        send(c, write(Frames.error(mapper, 400, ErrorCodes.VALIDATION_FAILED, message, ref)));
        if (!c.toleratesBadFrame(limits.maxBadFrames())) {
            close(c, 1008, "too many bad frames");
        }
    }

    /** Turns a failed frame's result into an error frame; a success needs no frame. */
    private void answerFailure(ClientConnection c, FrameBatch.Result r, String ref) {
        if (r.status() == 200) {
            return;
        }
        send(c, write(Frames.error(mapper, r.status(), r.error() == null ? ErrorCodes.forStatus(r.status()) : r.error(),
                r.message() == null ? "request failed" : r.message(), ref)));
    }

    /** Turns a failed answer of a backend into an error frame; a success needs no frame. */
    private void answerFailure(ClientConnection c, Response r, String ref) {
        int status = r.getStatus();
        if (status == 200) {
            r.close();
            return;
        }
        JsonNode body = bodyOf(r);
        send(c, write(Frames.error(mapper, status, body.path("error").asText(ErrorCodes.forStatus(status)),
                body.path("message").asText("request failed"), ref)));
    }

    private void unavailable(ClientConnection c, String ref) {
        send(c, write(Frames.error(mapper, 503, ErrorCodes.UNAVAILABLE, "service unavailable, try again", ref)));
    }

    private void failed(ClientConnection c, Throwable e, String ref) {
        if (e instanceof TooManyInFlight) {
            send(c, write(Frames.error(mapper, 429, ErrorCodes.RATE_LIMITED, "too many requests in flight, retry after the answers", ref)));
        } else {
            unavailable(c, ref);
        }
    }

    // ---- frames to clients -----------------------------------------------------------------

    /**
     * Writes one stream entry's frame to the sockets of the listed users on this gateway.
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
        long msgId = "chat".equals(frame.path("type").asText()) ? frame.path("msg_id").asLong(0) : 0;
        for (Long user : users) {
            Set<ClientConnection> conns = byUser.get(user);
            if (conns == null || conns.isEmpty()) {
                continue;
            }
            Long seq = seqs.get(user);
            String text = frameText;
            if (seq != null) {
                frame.put("seq", seq);
                text = write(frame);
            }
            for (ClientConnection c : conns) {
                if (c.id.equals(excludeConn)) {
                    continue;
                }
                if (c.admitLive(msgId, seq == null ? 0 : seq, text)) {
                    send(c, text);
                }
            }
        }
    }

    /** Closes a user's sockets (only those opened with {@code jti} when given), e.g. at logout. */
    public void closeUser(long userId, String jti, String reason) {
        Set<ClientConnection> conns = byUser.get(userId);
        if (conns == null) {
            return;
        }
        for (ClientConnection c : conns) {
            if (jti == null || jti.isEmpty() || jti.equals(c.jti)) {
                close(c, 1008, reason == null ? "closed" : truncate(reason));
            }
        }
    }

    /** At shutdown: closes every socket, telling clients to reconnect (to another replica). */
    public void closeAll(int code, String reason) {
        stopping = true;
        for (ClientConnection c : byId.values()) {
            close(c, code, reason);
        }
    }

    /**
     * Closes sockets that sent nothing, not even a pong, for longer than the read timeout, and
     * sockets whose token has expired (the client reconnects with a fresh one).
     */
    public void closeIdleAndExpired() {
        long now = System.currentTimeMillis();
        long deadline = now - limits.readTimeout().toMillis();
        for (ClientConnection c : byId.values()) {
            if (c.lastSeenMillis < deadline) {
                close(c, 1001, "idle");
            } else if (c.expiresAtMillis > 0 && c.expiresAtMillis <= now) {
                close(c, 1008, "token expired");
            }
        }
    }

    void touched(WebSocketConnection socket) {
        ClientConnection c = byId.get(socket.id());
        if (c != null) {
            c.lastSeenMillis = System.currentTimeMillis();
        }
    }

    /** "connId:userId" of every open socket, for presence heartbeats. */
    public List<String> connectionIds() {
        List<String> out = new ArrayList<>(byId.size());
        for (ClientConnection c : byId.values()) {
            out.add(c.id + ":" + c.userId);
        }
        return out;
    }

    void failed(WebSocketConnection socket, Throwable error) {
        ClientConnection c = byId.get(socket.id());
        String message = String.valueOf(error.getMessage()).toLowerCase();
        if (c != null && (message.contains("too big") || message.contains("size") || message.contains("max"))) {
            close(c, 1009, "frame too big");
        } else {
            LOG.debugf("socket %s failed: %s", socket.id(), error.toString());
        }
    }

    private void send(ClientConnection c, String text) {
        if (c.closing.get()) {
            return;
        }
        if (c.unflushed.incrementAndGet() > limits.maxPendingFrames()) {
            c.unflushed.decrementAndGet();
            slowClosed.increment();
            // What it missed stays undelivered in message-service: offline queue and sync bring it back.
            close(c, 1013, "too slow, reconnect and sync");
            return;
        }
        c.socket.sendText(text).subscribe().with(ok -> {
            c.unflushed.decrementAndGet();
            framesOut.increment();
        }, e -> c.unflushed.decrementAndGet());
    }

    private void close(ClientConnection c, int code, String reason) {
        if (c.closing.compareAndSet(false, true)) {
            c.socket.close(new CloseReason(code, reason)).subscribe().with(x -> {
            }, e -> LOG.debugf("close of %s failed: %s", c.id, e.toString()));
            // A client that never reads never answers the close frame: cut its connection.
            vertx.setTimer(CLOSE_GRACE_MILLIS, t -> {
                if (byId.containsKey(c.id) && c.transport != null) {
                    c.transport.close();
                }
            });
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private JsonNode dataOf(Response r) {
        if (r.getStatus() != 200) {
            int status = r.getStatus();
            r.close();
            throw new IllegalStateException("message-service answered " + status);
        }
        return bodyOf(r).path("data");
    }

    private JsonNode bodyOf(Response r) {
        try {
            String body = r.readEntity(String.class);
            return body == null || body.isEmpty() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (RuntimeException | JsonProcessingException e) {
            return mapper.createObjectNode();
        } finally {
            r.close();
        }
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        if (from.has(field) && !to.has(as)) {
            to.set(as, from.get(field));
        }
    }

    private static boolean isIdList(JsonNode ids) {
        if (!(ids instanceof ArrayNode array) || array.isEmpty() || array.size() > 500) {
            return false;
        }
        for (JsonNode id : array) {
            if (!id.canConvertToLong() || id.asLong() <= 0) {
                return false;
            }
        }
        return true;
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
