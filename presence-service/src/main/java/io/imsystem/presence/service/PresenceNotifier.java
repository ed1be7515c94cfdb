package io.imsystem.presence.service;

import io.imsystem.presence.config.PresenceConfig;
import io.imsystem.presence.stream.PresencePublisher;
import jakarta.annotation.PreDestroy;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Pushes a user's presence changes to their peers, debounced: the user's state is pushed once it
 * has been still for {@code debounce} (or {@code max-delay} after the first change, for a user who
 * never keeps still), and only if it differs from the last state pushed. A connection that drops
 * and comes back within the window costs the peers nothing.
 */
@ApplicationScoped
public class PresenceNotifier {

    private static final Logger LOG = Logger.getLogger(PresenceNotifier.class);

    private final PresenceStore store;
    private final UserDirectory directory;
    private final PresencePublisher publisher;
    private final PresenceConfig config;
    private record Pending(long firstChange, ScheduledFuture<?> flush) {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "presence-push");
        t.setDaemon(true);
        return t;
    });

    public PresenceNotifier(PresenceStore store, UserDirectory directory, PresencePublisher publisher, PresenceConfig config) {
        this.store = store;
        this.directory = directory;
        this.publisher = publisher;
        this.config = config;
    }

    /** The user's status may have changed. */
    public void changed(long userId) {
        if (!config.push().enabled()) {
            return;
        }
        try {
            pending.compute(userId, (id, previous) -> {
                long now = System.currentTimeMillis();
                long first = previous == null ? now : previous.firstChange();
                if (previous != null) {
                    previous.flush().cancel(false);
                }
                long due = Math.min(now + config.push().debounce().toMillis(), first + config.push().maxDelay().toMillis());
                return new Pending(first, timer.schedule(() -> flush(id), Math.max(0, due - now), TimeUnit.MILLISECONDS));
            });
        } catch (RejectedExecutionException e) {
            pending.remove(userId); // shutting down
        }
    }

    private void flush(long userId) {
        pending.remove(userId);
        try {
            store.takeUnpushed(userId).ifPresent(state -> {
                List<Long> peers = directory.peers(userId);
                if (!peers.isEmpty()) {
                    publisher.publish(state, peers);
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("presence push of user %d failed: %s", userId, e.toString());
        }
    }

    /** At shutdown, before the REST clients and Redis close: pending pushes are dropped (peers see the next change). */
    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    @PreDestroy
    void destroy() {
        timer.shutdownNow();
    }
}
