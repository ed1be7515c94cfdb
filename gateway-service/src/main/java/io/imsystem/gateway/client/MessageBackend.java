package io.imsystem.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * message-service's routes that the gateway calls for a socket's user, typed, with their fault
 * tolerance: every call here is idempotent (reads, and marking one message read), so each is
 * retried twice on a failure of the backend (never on a 4xx), bounded in time, and behind one
 * circuit breaker that fails fast while message-service is down. Chat frames and acks go by
 * {@link FrameBatcher} (a send is not retried by the gateway: the client retries with its client_msg_id).
 */
@ApplicationScoped
public class MessageBackend {

    static final String SERVICE = "message-service";

    /** A page of the offline queue (entries of {@code GET /messages/offline}, oldest first). */
    public record OfflinePage(List<JsonNode> messages) {
    }

    /** A page of {@code GET /messages/sync}: messages and changes (edits, recalls), each list in seq order. */
    public record SyncPage(List<JsonNode> messages, List<JsonNode> changes, long nextSeq, boolean hasMore) {
    }

    private final MessageClient client;
    private final BackendAnswers answers;

    public MessageBackend(@RestClient MessageClient client, BackendAnswers answers) {
        this.client = client;
        this.answers = answers;
    }

    @Retry(maxRetries = 2, delay = 100, abortOn = BackendAnswers.Refused.class)
    @Timeout(10000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000, skipOn = BackendAnswers.Refused.class)
    public Uni<OfflinePage> offline(String bearer, long afterSeq, int limit) {
        return client.offline(bearer, afterSeq, limit)
                .onItem().transform(r -> new OfflinePage(list(answers.dataOf(SERVICE, r).path("messages"))));
    }

    @Retry(maxRetries = 2, delay = 100, abortOn = BackendAnswers.Refused.class)
    @Timeout(10000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000, skipOn = BackendAnswers.Refused.class)
    public Uni<SyncPage> sync(String bearer, long afterSeq, int limit) {
        return client.sync(bearer, afterSeq, limit).onItem().transform(r -> {
            JsonNode data = answers.dataOf(SERVICE, r);
            return new SyncPage(list(data.path("messages")), list(data.path("changes")), data.path("next_seq").asLong(afterSeq),
                    data.path("has_more").asBoolean(false));
        });
    }

    /** Marks one message read; answers null, or the failure the client is told in an error frame. */
    @Retry(maxRetries = 2, delay = 100, abortOn = BackendAnswers.Refused.class)
    @Timeout(10000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 2000, skipOn = BackendAnswers.Refused.class)
    public Uni<BackendAnswers.Failure> read(String bearer, long messageId) {
        return client.read(bearer, messageId).onItem().transform(r -> {
            BackendAnswers.Failure f = answers.failureOf(r);
            if (f != null && f.status() >= 500) {
                throw new BackendAnswers.BackendFailed(SERVICE, f.status());
            }
            return f;
        });
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
    }
}
