package io.imsystem.gateway.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.stream.GatewayEntry;
import io.imsystem.gateway.config.GatewayIdentity;
import io.imsystem.gateway.ws.ChatSessions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one consumer of this gateway's stream {@code im:gw:{gatewayId}}: hands each entry to the
 * sockets, then acknowledges it. Runs as a reactive loop on its own Redis connection, so the
 * blocking read never holds a connection others need and never blocks an event loop.
 */
@ApplicationScoped
public class DeliveryConsumer {

    private static final Logger LOG = Logger.getLogger(DeliveryConsumer.class);
    static final String GROUP = "gateway";

    private final ReactiveStreamCommands<String, String, String> streams;
    private final ChatSessions sessions;
    private final String key;
    private final String consumer;
    private final Timer lag;
    private volatile boolean running;

    public DeliveryConsumer(@RedisClientName("streams") ReactiveRedisDataSource redis, ChatSessions sessions,
            Keys keys, GatewayIdentity identity, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.sessions = sessions;
        this.key = keys.gatewayStream(identity.id());
        this.consumer = identity.id();
        this.lag = Timer.builder("im.gateway.delivery.lag")
                .description("Time from the XADD of a deliver entry to its hand-over to the sockets")
                .publishPercentileHistogram().register(registry);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        // First what this consumer read but never acknowledged (a restart with the same id), then new entries.
        createGroup().subscribe().with(x -> read("0"), e -> retryLater());
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
    }

    private Uni<Void> createGroup() {
        return streams.xgroupCreate(key, GROUP, "0", new XGroupCreateArgs().mkstream())
                .onFailure(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP")).recoverWithNull()
                .replaceWithVoid();
    }

    private void read(String from) {
        if (!running) {
            return;
        }
        streams.xreadgroup(GROUP, consumer, key, from, new XReadGroupArgs().count(256).block(Duration.ofSeconds(2)))
                .onItem().transformToUni(this::handle)
                .subscribe().with(handledSome -> read(">".equals(from) || !handledSome ? ">" : "0"), e -> {
                    if (!running) {
                        return;
                    }
                    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                        LOG.info("delivery stream or group is gone (Redis restarted?), creating it again");
                    } else {
                        LOG.warnf("reading %s failed: %s", key, e.toString());
                    }
                    retryLater();
                });
    }

    private void retryLater() {
        if (!running) {
            return;
        }
        Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(1))
                .chain(this::createGroup)
                .subscribe().with(x -> read("0"), e -> retryLater());
    }

    /** Hands the entries to the sockets, then acknowledges them; true if there were any. */
    private Uni<Boolean> handle(List<StreamMessage<String, String, String>> entries) {
        if (entries == null || entries.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        List<String> ids = new ArrayList<>(entries.size());
        long now = System.currentTimeMillis();
        for (StreamMessage<String, String, String> entry : entries) {
            ids.add(entry.id());
            try {
                apply(entry.payload());
                lag.record(Math.max(0, now - entryMillis(entry.id())), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.warnf("skipping malformed entry %s of %s: %s", entry.id(), key, e.toString());
            }
        }
        return streams.xack(key, GROUP, ids.toArray(String[]::new)).replaceWith(true);
    }

    private void apply(Map<String, String> fields) {
        GatewayEntry entry = GatewayEntry.parse(fields);
        if (entry instanceof GatewayEntry.Deliver d) {
            sessions.deliver(d.frame(), d.users(), d.seqs(), d.excludeConn());
        } else if (entry instanceof GatewayEntry.Close c) {
            sessions.closeSession(c.userId(), c.session(), c.jti(), c.reason());
        }
    }

    private static long entryMillis(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }
}
