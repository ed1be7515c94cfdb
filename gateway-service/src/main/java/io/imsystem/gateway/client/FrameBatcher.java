package io.imsystem.gateway.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.api.ApiResponse;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.security.InternalCredential;
import io.imsystem.common.wire.FrameBatch;
import io.imsystem.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Carries the client frames of all this gateway's sockets to message-service, many per call
 * ({@code POST /internal/v1/messages/batch}). Each lane has at most one call under way; what arrives
 * meanwhile waits and goes in the next one (the busier, the bigger the call, with no timer). A user's
 * frames always take the same lane, so they reach message-service in the order sent, and each frame
 * gets its own answer.
 */
@ApplicationScoped
public class FrameBatcher {

    private static final Logger LOG = Logger.getLogger(FrameBatcher.class);
    private static final TypeReference<ApiResponse<FrameBatch.Answer>> ANSWER = new TypeReference<>() {
    };

    private record Waiting(FrameBatch.Item item, int bytes, CompletableFuture<FrameBatch.Result> answer) {
    }

    /**
     * A call carries at most about this many bytes of frames (message-service takes bodies up to 1 MiB):
     * a few clients sending 64 KiB frames must not make the calls that carry everyone else's frames fail.
     */
    static final int MAX_CALL_BYTES = 512 * 1024;

    /** One lane: its waiting frames and whether a call is under way. */
    private final class Lane {
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        private boolean calling;

        Uni<FrameBatch.Result> add(FrameBatch.Item item, int bytes) {
            CompletableFuture<FrameBatch.Result> answer = new CompletableFuture<>();
            boolean start;
            synchronized (this) {
                if (waiting.size() >= maxWaiting) {
                    return Uni.createFrom().item(BUSY);
                }
                waiting.add(new Waiting(item, bytes, answer));
                start = !calling;
                calling = true;
            }
            if (start) {
                next();
            }
            return Uni.createFrom().completionStage(answer);
        }

        private void next() {
            List<Waiting> batch = new ArrayList<>();
            synchronized (this) {
                int bytes = 0;
                while (batch.size() < maxItems && !waiting.isEmpty()
                        && (batch.isEmpty() || bytes + waiting.peek().bytes() <= MAX_CALL_BYTES)) {
                    Waiting w = waiting.poll();
                    bytes += w.bytes();
                    batch.add(w);
                }
                if (batch.isEmpty()) {
                    calling = false;
                    return;
                }
            }
            batchSize.record(batch.size());
            byte[] body;
            try {
                body = json.writeValueAsBytes(new FrameBatch(batch.stream().map(Waiting::item).toList()));
            } catch (JsonProcessingException e) {
                LOG.errorf("a batch of %d frames could not be written: %s", batch.size(), e.toString());
                batch.forEach(w -> w.answer().complete(UNAVAILABLE));
                next();
                return;
            }
            // Bound to this body: one SHA-256 over it and one HMAC per call, not per frame.
            client.batch(credential.tokenForBody(InternalCredential.MESSAGE, body), body)
                    .subscribe().with(r -> {
                        answer(batch, r);
                        next();
                    }, e -> {
                        LOG.debugf("a batch of %d frames failed: %s", batch.size(), e.toString());
                        batch.forEach(w -> w.answer().complete(UNAVAILABLE));
                        next();
                    });
        }
    }

    static final FrameBatch.Result BUSY = FrameBatch.Result.failed(503, ErrorCodes.UNAVAILABLE, "too many frames waiting, retry shortly");
    static final FrameBatch.Result UNAVAILABLE = FrameBatch.Result.failed(503, ErrorCodes.UNAVAILABLE, "service unavailable, try again");

    private final MessageBatchClient client;
    private final InternalCredential credential;
    private final ObjectMapper json;
    private final Lane[] lanes;
    private final int maxItems;
    private final int maxWaiting;
    private final DistributionSummary batchSize;

    public FrameBatcher(@RestClient MessageBatchClient client, InternalCredential credential, ObjectMapper json,
            GatewayConfig config, MeterRegistry registry) {
        this.client = client;
        this.credential = credential;
        this.json = json;
        this.maxItems = config.batch().maxItems();
        this.maxWaiting = config.batch().maxWaiting();
        this.lanes = new Lane[config.batch().lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
        this.batchSize = DistributionSummary.builder("im.gateway.frames.batch").description("Client frames per call to message-service")
                .register(registry);
    }

    /**
     * Hands one frame on; the answer is its own result (a failure of the call itself answers 503).
     *
     * @param bytes about how large the item is (the client frame's length)
     */
    public Uni<FrameBatch.Result> send(FrameBatch.Item item, int bytes) {
        return lanes[(int) Math.floorMod(item.userId(), (long) lanes.length)].add(item, bytes);
    }

    private void answer(List<Waiting> batch, Response r) {
        List<FrameBatch.Result> results = null;
        try {
            String body = r.readEntity(String.class);
            if (r.getStatus() == 200) {
                ApiResponse<FrameBatch.Answer> answer = json.readValue(body, ANSWER);
                results = answer.data() == null ? null : answer.data().results();
            } else {
                LOG.warnf("message-service answered a batch of %d frames with %d", batch.size(), r.getStatus());
            }
        } catch (Exception e) {
            LOG.warnf("unreadable answer to a batch of %d frames: %s", batch.size(), e.toString());
        } finally {
            r.close();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(results != null && i < results.size() ? results.get(i) : UNAVAILABLE);
        }
    }
}
