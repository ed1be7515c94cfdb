package io.imsystem.presence.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Runs the sweep of silent connections and idle users every {@code im.presence.sweep-interval}. */
@ApplicationScoped
public class PresenceSweeper {

    private static final Logger LOG = Logger.getLogger(PresenceSweeper.class);

    private final ConnectionService connections;

    public PresenceSweeper(ConnectionService connections) {
        this.connections = connections;
    }

    @Scheduled(every = "${im.presence.sweep-interval:10s}", delayed = "${im.presence.sweep-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            connections.sweep();
        } catch (RuntimeException e) {
            LOG.warnf("presence sweep failed, next one in one interval: %s", e.toString());
        }
    }
}
