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
 * Every send of this service, from REST and from the gateways' batches, passes one queue and two
 * threads. The committer stores what has gathered while the previous batch was under way (group
 * commit: the busier, the bigger the batch, with no timer); the publisher then hands each committed
 * batch to the caches and the gateways' streams and only then answers its sends. So the next batch's
 * transaction runs while the last one is published, the sends of one connection (queued in order) get
 * their seqs in order, every user's frames enter the streams in seq order, answers come in commit
 * order, and an answer means stored and handed on. A full queue refuses at once (503), never by a timeout.
 */
@ApplicationScoped
public class SendPipeline {

    private static final Logger LOG = Logger.getLogger(SendPipeline.class);

    /** Committed batches waiting for the publisher; beyond, the committer waits (the database must not run far ahead of Redis). */
    private static final int COMMITTED_WAITING = 4;

    /**
     * A send waiting for its batch: {@code result} is completed by {@link BatchSender} as soon as it is
     * known, {@code answer} (what the caller waits on) only once its batch is handed on.
     */
    record Pending(Outgoing send, CompletableFuture<MessageView> result, CompletableFuture<MessageView> answer) {

        Pending(Outgoing send, CompletableFuture<MessageView> answer) {
            this(send, new CompletableFuture<>(), answer);
        }

        /** Passes the result on to the caller. */
        void answerNow() {
            result.whenComplete((view, failure) -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else {
                    answer.complete(view);
                }
            });
        }
    }

    /** A batch whose transaction is over, and what its publication needs. */
    private record Committed(List<Pending> batch, BatchSender.Handover stored) {
    }

    private final BatchSender sender;
    private final int batchSize;
    private final BlockingQueue<Pending> queue;
    private final BlockingQueue<Committed> committed = new ArrayBlockingQueue<>(COMMITTED_WAITING);
    private volatile boolean running = true;
    private volatile boolean committing = true;
    private Thread committer;
    private Thread publisher;

    public SendPipeline(BatchSender sender, MessageConfig config) {
        this.sender = sender;
        this.batchSize = config.send().batchSize();
        this.queue = new ArrayBlockingQueue<>(config.send().queueSize());
    }

    void start(@Observes StartupEvent event) {
        committer = new Thread(this::commitLoop, "send-committer");
        committer.setDaemon(true);
        publisher = new Thread(this::publishLoop, "send-publisher");
        publisher.setDaemon(true);
        publisher.start();
        committer.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        try {
            // What is under way finishes (answered and published); what still waits is refused.
            committer.join(5000);
            committing = false;
            publisher.join(5000);
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
        while (running || !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>(batchSize);
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                BatchSender.Handover stored;
                try {
                    stored = sender.commit(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("send batch failed unexpectedly", e);
                    batch.forEach(p -> p.result().completeExceptionally(e));
                    stored = BatchSender.Handover.NOTHING;
                }
                committed.put(new Committed(batch, stored));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void publishLoop() {
        while (committing || !committed.isEmpty()) {
            try {
                Committed c = committed.poll(200, TimeUnit.MILLISECONDS);
                if (c == null) {
                    continue;
                }
                try {
                    sender.handOn(c.stored());
                } catch (RuntimeException | Error e) {
                    // Stored is stored: sync and the offline queue have it, so the sends are still answered.
                    LOG.error("handing a stored batch on failed unexpectedly", e);
                }
                c.batch().forEach(Pending::answerNow);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
