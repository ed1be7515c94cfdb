package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.message.config.MessageConfig;
import io.imsystem.message.rest.dto.MessageView;
import io.imsystem.message.service.MessageWriter.Outgoing;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every send of this service, from REST and from the gateways' batches, passes one queue: one thread
 * stores what has gathered while the previous batch was under way (group commit: the busier, the
 * bigger the batch, with no timer), hands it to the caches and the gateways' streams, and only then
 * answers. So the sends of one connection (queued in order) get their seqs in order, every user's
 * frames enter the streams in seq order, and an answer means stored and handed on. A full queue
 * refuses at once (503), never by a timeout.
 */
@ApplicationScoped
public class SendPipeline {

    private static final Logger LOG = Logger.getLogger(SendPipeline.class);

    /** A send waiting for its batch, and who waits for its answer. */
    record Pending(Outgoing send, CompletableFuture<MessageView> answer) {
    }

    private final BatchSender sender;
    private final int batchSize;
    private final BlockingQueue<Pending> queue;
    private volatile boolean running = true;
    private Thread committer;

    public SendPipeline(BatchSender sender, MessageConfig config) {
        this.sender = sender;
        this.batchSize = config.send().batchSize();
        this.queue = new ArrayBlockingQueue<>(config.send().queueSize());
    }

    void start(@Observes StartupEvent event) {
        committer = new Thread(this::commitLoop, "send-committer");
        committer.setDaemon(true);
        committer.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        try {
            // What is under way finishes (answered and published); what still waits is refused.
            committer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.answer().completeExceptionally(ApiException.unavailable("shutting down, retry"));
        }
    }

    /** Queues a send (its content already checked); the answer completes once it is committed, or failed. */
    public CompletableFuture<MessageView> submit(Outgoing send) {
        CompletableFuture<MessageView> answer = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(send, answer))) {
            answer.completeExceptionally(new ApiException(503, io.imsystem.common.api.ErrorCodes.UNAVAILABLE,
                    "too many sends waiting, retry shortly", null, 1L));
        }
        return answer;
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                sender.store(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("send batch failed unexpectedly", e);
                for (Pending p : batch) {
                    p.answer().completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }
}
