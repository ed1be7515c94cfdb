package io.imsystem.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.wire.FrameBatch;
import io.imsystem.gateway.client.BackendAnswers;
import io.imsystem.gateway.client.FrameBatcher;
import io.imsystem.gateway.client.MessageBackend;
import io.imsystem.gateway.config.GatewayConfig;
import io.imsystem.gateway.stream.Relay;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client frames of API.md: one handler per frame type in one table ({@link FrameDispatch}), each
 * turning its frame into a call to a service. Every frame counts against the socket's frames per
 * second; every frame that makes a service work ({@code chat}, {@code message}, {@code ack},
 * {@code ack_read}, {@code typing}, {@code sync}) also against its calls under way.
 */
@ApplicationScoped
public class InboundFrames {

    private final GatewayConfig.Ws limits;
    private final ObjectMapper mapper;
    private final MessageBackend messages;
    private final FrameBatcher batcher;
    private final Relay relay;
    private final Replay replay;
    private final SocketWriter writer;
    private final FrameDispatch dispatch;

    public InboundFrames(GatewayConfig config, ObjectMapper mapper, MessageBackend messages, FrameBatcher batcher, Relay relay, Replay replay, SocketWriter writer) {
        this.limits = config.ws();
        this.mapper = mapper;
        this.messages = messages;
        this.batcher = batcher;
        this.relay = relay;
        this.replay = replay;
        this.writer = writer;
        this.dispatch = new FrameDispatch(mapper, Map.of(
                "heartbeat", this::heartbeat,
                "chat", this::chat,
                "message", this::message,
                "ack", this::ack,
                "ack_read", this::ackRead,
                "typing", this::typing,
                "sync", this::sync), limits.maxFrameSize(), limits.maxFramesPerSecond());
    }

    void received(ClientConnection c, String text) {
        long now = System.currentTimeMillis();
        c.lastSeenMillis = now;
        FrameDispatch.Outcome outcome = dispatch.dispatch(c, text, now);
        if (outcome instanceof FrameDispatch.Close close) {
            writer.close(c, close.close());
        } else if (outcome instanceof FrameDispatch.Bad bad) {
            error(c, 400, ErrorCodes.VALIDATION_FAILED, bad.message(), bad.ref());
            if (!c.toleratesBadFrame(limits.maxBadFrames())) {
                writer.close(c, CloseCodes.TOO_MANY_BAD_FRAMES);
            }
        }
    }

    // ---- the handlers ----------------------------------------------------------------------

    private FrameDispatch.Outcome heartbeat(ClientConnection c, JsonNode frame, int length) {
        writer.send(c, Frames.write(mapper, mapper.createObjectNode().put("type", "heartbeat_ack")
                .put("timestamp", Instant.now().getEpochSecond())));
        return FrameDispatch.HANDLED;
    }

    private FrameDispatch.Outcome chat(ClientConnection c, JsonNode frame, int length) {
        ObjectNode body = mapper.createObjectNode();
        copy(frame, body, "to", "receiver_id");
        copy(frame, body, "receiver_id", "receiver_id");
        copy(frame, body, "group_id", "group_id");
        copy(frame, body, "content", "content");
        copy(frame, body, "msg_type", "msg_type");
        copy(frame, body, "client_msg_id", "client_msg_id");
        copy(frame, body, "reply_to", "reply_to");
        copy(frame, body, "mentions", "mentions");
        copy(frame, body, "mention_all", "mention_all");
        return send(c, body, "chat", length);
    }

    private FrameDispatch.Outcome message(ClientConnection c, JsonNode frame, int length) {
        JsonNode payload = frame.path("payload");
        if (!payload.isObject()) {
            return new FrameDispatch.Bad("payload: must be an object", "message");
        }
        return send(c, (ObjectNode) payload, "message", length);
    }

    private FrameDispatch.Outcome send(ClientConnection c, ObjectNode body, String type, int length) {
        String clientMsgId = body.hasNonNull("client_msg_id") ? body.get("client_msg_id").asText()
                : body.hasNonNull("clientMsgId") ? body.get("clientMsgId").asText() : null;
        String ref = clientMsgId != null ? clientMsgId : type;
        call(c, batcher.send(FrameBatch.Item.chat(c.userId, c.id, body), length))
                .subscribe().with(r -> answerSend(c, r, ref), e -> failed(c, e, ref));
        return FrameDispatch.HANDLED;
    }

    private FrameDispatch.Outcome ack(ClientConnection c, JsonNode frame, int length) {
        JsonNode ids = frame.has("msg_ids") ? frame.get("msg_ids") : frame.path("messageIds");
        if (!isIdList(ids)) {
            return new FrameDispatch.Bad("msg_ids: must be a non-empty list of message ids", "ack");
        }
        List<Long> msgIds = new ArrayList<>(ids.size());
        ids.forEach(id -> msgIds.add(id.asLong()));
        call(c, batcher.send(FrameBatch.Item.delivered(c.userId, msgIds), length))
                .subscribe().with(r -> answerResult(c, r, "ack"), e -> failed(c, e, "ack"));
        return FrameDispatch.HANDLED;
    }

    private FrameDispatch.Outcome ackRead(ClientConnection c, JsonNode frame, int length) {
        long id = frame.path("msg_id").asLong(0);
        if (!frame.path("msg_id").canConvertToLong() || id <= 0) {
            return new FrameDispatch.Bad("msg_id: must be a message id", "ack_read");
        }
        call(c, messages.read(c.bearer(), id)).subscribe().with(f -> {
            if (f != null) {
                error(c, f.status(), f.error(), f.message(), "ack_read");
            }
        }, e -> failed(c, e, "ack_read"));
        return FrameDispatch.HANDLED;
    }

    private FrameDispatch.Outcome typing(ClientConnection c, JsonNode frame, int length) {
        long to = frame.path("to").asLong(0);
        if (!frame.path("to").canConvertToLong() || to <= 0 || to == c.userId) {
            return new FrameDispatch.Bad("to: must be another user's id", "typing");
        }
        ObjectNode typing = mapper.createObjectNode().put("type", "typing").put("from", c.userId).put("to", to);
        call(c, relay.toUser(to, Frames.write(mapper, typing))).subscribe().with(x -> {
        }, e -> failed(c, e, "typing"));
        return FrameDispatch.HANDLED;
    }

    private FrameDispatch.Outcome sync(ClientConnection c, JsonNode frame, int length) {
        JsonNode since = frame.has("since_seq") ? frame.get("since_seq") : frame.path("sinceSeq");
        if (!since.canConvertToLong() || since.asLong() < 0) {
            return new FrameDispatch.Bad("since_seq: must be a seq >= 0", "sync");
        }
        // One call under way for the whole replay, however many pages it takes.
        call(c, replay.sync(c, since.asLong(), false)).subscribe().with(
                highest -> writer.send(c, Frames.write(mapper, mapper.createObjectNode().put("type", "synced").put("seq", highest))),
                e -> failed(c, e, "sync"));
        return FrameDispatch.HANDLED;
    }

    // ---- answers ---------------------------------------------------------------------------

    private void answerSend(ClientConnection c, FrameBatch.Result r, String ref) {
        if (r.status() != 200 || r.data() == null) {
            answerResult(c, r, ref);
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
        writer.send(c, Frames.write(mapper, ack));
    }

    /** Turns a failed item's result into an error frame; a success needs no frame. */
    private void answerResult(ClientConnection c, FrameBatch.Result r, String ref) {
        if (r.status() != 200) {
            error(c, r.status(), r.error() == null ? ErrorCodes.forStatus(r.status()) : r.error(),
                    r.message() == null ? "request failed" : r.message(), ref);
        }
    }

    /**
     * Bounds the calls one socket has under way: past the limit the frame is answered at once with a
     * 429 error frame (the client retries), so a flooding client cannot queue up work in the services.
     */
    private <T> Uni<T> call(ClientConnection c, Uni<T> request) {
        if (c.inflightCalls.incrementAndGet() > limits.maxInflightCalls()) {
            c.inflightCalls.decrementAndGet();
            return Uni.createFrom().failure(new TooManyInFlight());
        }
        return request.onTermination().invoke(() -> c.inflightCalls.decrementAndGet());
    }

    /** The socket has too many calls under way. */
    static final class TooManyInFlight extends RuntimeException {
        TooManyInFlight() {
            super("too many requests in flight", null, false, false);
        }
    }

    private void failed(ClientConnection c, Throwable e, String ref) {
        if (e instanceof TooManyInFlight) {
            error(c, 429, ErrorCodes.RATE_LIMITED, "too many requests in flight, retry after the answers", ref);
        } else {
            error(c, 503, ErrorCodes.UNAVAILABLE, "service unavailable, try again", ref);
        }
    }

    private void error(ClientConnection c, int status, String code, String message, String ref) {
        writer.send(c, Frames.write(mapper, Frames.error(mapper, status, code, message, ref)));
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
}
