package io.imsystem.message.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.api.ErrorMapper;
import io.imsystem.common.limit.RateLimiter;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.security.InternalRoute;
import io.imsystem.common.security.InternalRouteFilter;
import io.imsystem.common.wire.FrameBatch;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.rest.dto.SendMessageRequest;
import io.imsystem.message.service.MessageRelations;
import io.imsystem.message.service.MessageService;
import io.imsystem.message.service.TimelineService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The gateways' batched client frames (docs/ARCHITECTURE.md, "The send path"): never routed by the
 * gateway, and only from a gateway with a service token bound to this very body (its SHA-256), since an
 * item names the user it acts for: a token seen once cannot carry other users' frames.
 */
@Path("/internal/v1/messages/batch")
@PermitAll
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "internal", description = "Service-to-service routes; a service token (X-Service-Token) required")
@InternalRoute(from = InternalCredential.GATEWAY, body = true)
public class FrameBatchResource {

    @Inject
    MessageService messages;

    @Inject
    TimelineService timeline;

    @Inject
    MessageRelations relations;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

    @Inject
    RateLimiter limiter;

    @POST
    @Blocking
    @Operation(summary = "Chat frames and delivery acks of many sockets in one call (gateway only, a token bound to the body)",
            description = "Each chat item is a send of its user (the body of POST /api/v1/messages/send); items of one user are "
                    + "stored in the order given. Each item is answered on its own, in order: status 200 with the sender's message "
                    + "view or {marked}, or the status and machine code the REST route would answer.")
    public ApiResponse<FrameBatch.Answer> handle(@Context ContainerRequestContext http, byte[] body) {
        InternalCredential.requireBody(InternalRouteFilter.caller(http), body == null ? new byte[0] : body);
        FrameBatch batch;
        try {
            batch = body == null || body.length == 0 ? null : json.readValue(body, FrameBatch.class);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("body: not a batch of frames");
        }
        if (batch == null || batch.items() == null || batch.items().isEmpty()) {
            throw ApiException.invalidField("items", "must be a non-empty list");
        }
        if (batch.items().size() > FrameBatch.MAX_ITEMS) {
            throw ApiException.invalidField("items", "at most " + FrameBatch.MAX_ITEMS);
        }
        List<FrameBatch.Item> items = batch.items();
        List<CompletableFuture<MessageView>> sends = new ArrayList<>(items.size());
        FrameBatch.Result[] results = new FrameBatch.Result[items.size()];
        Map<Long, List<Long>> acks = new LinkedHashMap<>();
        Map<String, RateLimiter.Decision> allowance = sendAllowance(items);
        for (int i = 0; i < items.size(); i++) {
            FrameBatch.Item item = items.get(i);
            sends.add(null);
            try {
                if (item == null || item.userId() <= 0) {
                    throw ApiException.invalidField("user_id", "must be a user id");
                }
                if (FrameBatch.CHAT.equals(item.op())) {
                    SendMessageRequest request = request(item);
                    limited(allowance, item.userId());
                    sends.set(i, messages.submit(item.userId(), request, item.conn()));
                } else if (FrameBatch.DELIVERED.equals(item.op())) {
                    if (item.msgIds() == null || item.msgIds().isEmpty() || item.msgIds().size() > 500
                            || item.msgIds().stream().anyMatch(id -> id == null || id <= 0)) {
                        throw ApiException.invalidField("msg_ids", "must be 1-500 message ids");
                    }
                    acks.computeIfAbsent(item.userId(), k -> new ArrayList<>()).addAll(item.msgIds());
                } else {
                    throw ApiException.invalidField("op", "must be chat or delivered");
                }
            } catch (ApiException e) {
                results[i] = failed(e);
            }
        }
        if (!acks.isEmpty()) {
            Map<Long, Integer> marked;
            try {
                marked = timeline.markDeliveredOfUsers(acks);
            } catch (RuntimeException e) {
                marked = null;
                for (int i = 0; i < items.size(); i++) {
                    if (results[i] == null && FrameBatch.DELIVERED.equals(items.get(i).op())) {
                        results[i] = failed(e);
                    }
                }
            }
            // Each user's first ack item carries the count of all theirs.
            Map<Long, Integer> left = marked == null ? Map.of() : new TreeMap<>(marked);
            for (int i = 0; i < items.size(); i++) {
                if (results[i] == null && FrameBatch.DELIVERED.equals(items.get(i).op())) {
                    Integer n = left.remove(items.get(i).userId());
                    results[i] = FrameBatch.Result.ok(json.createObjectNode().put("marked", n == null ? 0 : n));
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            if (sends.get(i) != null) {
                try {
                    results[i] = FrameBatch.Result.ok(json.valueToTree(relations.complete(sends.get(i).join(), items.get(i).userId())));
                } catch (CompletionException e) {
                    results[i] = failed(e.getCause() == null ? e : e.getCause());
                }
            }
        }
        return ApiResponse.ok(new FrameBatch.Answer(List.of(results)));
    }

    /**
     * The send limit of the REST route holds over WS too, per user, for all of a user's chat items of this
     * batch in one pipelined round trip: each user's first items in order take the tokens there are.
     */
    private Map<String, RateLimiter.Decision> sendAllowance(List<FrameBatch.Item> items) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (FrameBatch.Item item : items) {
            if (item != null && item.userId() > 0 && FrameBatch.CHAT.equals(item.op())) {
                wanted.merge(subject(item.userId()), 1, Integer::sum);
            }
        }
        return new java.util.HashMap<>(limiter.takeEach(RateLimiter.SEND, wanted));
    }

    /** Uses one granted token of the user, or fails this item alone with 429. */
    private static void limited(Map<String, RateLimiter.Decision> allowance, long userId) {
        RateLimiter.Decision d = allowance.get(subject(userId));
        if (d == null) {
            return;
        }
        if (d.granted() <= 0) {
            throw d.refusal();
        }
        allowance.put(subject(userId), new RateLimiter.Decision(d.granted() - 1, d.limit(), d.remaining(), d.retryAfterSeconds(),
                d.resetSeconds()));
    }

    private static String subject(long userId) {
        return RateLimiter.user(userId);
    }

    /** The chat item as the REST route's body, checked the same way (400 with fields). */
    private SendMessageRequest request(FrameBatch.Item item) {
        if (item.chat() == null || !item.chat().isObject()) {
            throw ApiException.invalidField("chat", "must be an object");
        }
        SendMessageRequest request;
        try {
            request = json.treeToValue(item.chat(), SendMessageRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, "chat: a field has the wrong type");
        }
        Set<ConstraintViolation<SendMessageRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            Map<String, String> fields = new TreeMap<>();
            for (ConstraintViolation<SendMessageRequest> v : violations) {
                fields.putIfAbsent(ErrorMapper.field(v.getPropertyPath()), v.getMessage());
            }
            String message = String.join("; ", fields.entrySet().stream().map(f -> f.getKey() + ": " + f.getValue()).toList());
            throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, message, fields, null);
        }
        return request;
    }

    private static FrameBatch.Result failed(Throwable e) {
        ApiError error = ErrorMapper.describe(e);
        return FrameBatch.Result.failed(error.code(), error.error(), error.message());
    }
}
