package io.imsystem.common.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The body and answer of {@code POST /internal/v1/messages/batch}: the client frames of many sockets
 * that a gateway hands message-service in one call (docs/ARCHITECTURE.md, "The send path"). The
 * gateway verified each socket's token at the upgrade, so an item names its user; the call itself
 * carries the internal credential. Items of one user are done in the order given; each item is
 * answered on its own (a bad one fails alone), in the order of the request.
 */
@RegisterForReflection
public record FrameBatch(List<Item> items) {

    /** Largest batch a gateway may send. */
    public static final int MAX_ITEMS = 512;

    /** {@code op} of a send: {@code chat} is the body of POST /api/v1/messages/send. */
    public static final String CHAT = "chat";
    /** {@code op} of a delivery ack: {@code msg_ids} reached a device of the user. */
    public static final String DELIVERED = "delivered";

    /**
     * One frame: {@code conn} is the socket it came from (a chat's copy for the sender's own socket
     * becomes its ack instead).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String op, long userId, String conn, JsonNode chat, List<Long> msgIds) {

        public static Item chat(long userId, String conn, JsonNode body) {
            return new Item(CHAT, userId, conn, body, null);
        }

        public static Item delivered(long userId, List<Long> msgIds) {
            return new Item(DELIVERED, userId, null, null, msgIds);
        }
    }

    /** The answer: one result per item, in order. */
    @RegisterForReflection
    public record Answer(List<Result> results) {
    }

    /**
     * One item's outcome: {@code status} 200 with {@code data} (a chat: the sender's message view;
     * delivered: {@code {"marked": n}}), or the status, machine code and message of the envelope.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int status, JsonNode data, String error, String message) {

        public static Result ok(JsonNode data) {
            return new Result(200, data, null, null);
        }

        public static Result failed(int status, String error, String message) {
            return new Result(status, null, error, message);
        }
    }
}
