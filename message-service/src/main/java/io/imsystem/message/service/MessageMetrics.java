package io.imsystem.message.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our own meters: messages sent and delivered, and the depth of the offline queue (incoming
 * messages no device has acknowledged), counted in MySQL every 30 s rather than on each scrape.
 * Registered at start-up, so a scrape before the first send shows zeros rather than no meters.
 */
@Startup
@ApplicationScoped
public class MessageMetrics {

    private final Counter sent;
    private final Counter delivered;
    private final DistributionSummary batchSize;
    private final AtomicLong offlineDepth = new AtomicLong();
    private final EntityManager em;

    public MessageMetrics(MeterRegistry registry, EntityManager em) {
        this.em = em;
        this.sent = Counter.builder("im.messages.sent").description("Messages stored (retries of one client_msg_id count once)").register(registry);
        this.delivered = Counter.builder("im.messages.delivered").description("Messages acknowledged by a device of their receiver").register(registry);
        registry.gauge("im.offline.queue.depth", offlineDepth);
        this.batchSize = DistributionSummary.builder("im.messages.send.batch").description("Sends stored per transaction").register(registry);
    }

    void sent(int count) {
        sent.increment(count);
    }

    /** The size of one stored batch of sends (how much the group commit gathers under this load). */
    void batch(int size) {
        batchSize.record(size);
    }

    void delivered(int count) {
        delivered.increment(count);
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void countOfflineQueue() {
        long depth = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COUNT(*) FROM timeline WHERE outgoing = 0 AND delivered = 0 AND hidden = 0").getSingleResult()).longValue());
        offlineDepth.set(depth);
    }
}
