package io.imsystem.gateway.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.common.stream.GatewayStreams;
import io.imsystem.gateway.config.GatewayIdentity;
import io.imsystem.gateway.ws.ChatSessions;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tells presence, in batches, which sockets are open here; presence expires what stops being
 * listed and rebuilds what it lost. Also closes idle and expired sockets and says goodbye at shutdown.
 */
@ApplicationScoped
public class PresenceHeartbeats {

    private static final Logger LOG = Logger.getLogger(PresenceHeartbeats.class);
    private static final int BATCH = 1000;

    private final ReactiveStreamCommands<String, String, String> streams;
    private final ChatSessions sessions;
    private final String key;
    private final String gatewayId;
    private final XAddArgs trim;

    public PresenceHeartbeats(ReactiveRedisDataSource redis, ChatSessions sessions, Keys keys, GatewayIdentity identity,
            GatewayStreams.Config streamConfig) {
        this.streams = redis.stream(String.class);
        this.sessions = sessions;
        this.key = keys.presenceEvents();
        this.gatewayId = identity.id();
        this.trim = new XAddArgs().maxlen(streamConfig.maxLen()).nearlyExactTrimming();
    }

    @Scheduled(every = "${im.gateway.ws.heartbeat-interval:30s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        List<String> conns = sessions.connectionIds();
        if (conns.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<String>> batches = new java.util.ArrayList<>();
        for (int i = 0; i < conns.size(); i += BATCH) {
            String list = String.join(",", conns.subList(i, Math.min(conns.size(), i + BATCH)));
            batches.add(streams.xadd(key, trim, Map.of(StreamFields.TYPE, StreamFields.HEARTBEAT,
                    StreamFields.GATEWAY, gatewayId, StreamFields.CONNS, list)));
        }
        return Uni.join().all(batches).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("heartbeat batch failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    @Scheduled(every = "${im.gateway.ws.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sessions.closeIdleAndExpired();
    }

    void stop(@Observes ShutdownEvent event) {
        try {
            streams.xadd(key, trim, Map.of(StreamFields.TYPE, StreamFields.GATEWAY_DOWN, StreamFields.GATEWAY, gatewayId))
                    .await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.warnf("could not announce gateway-down: %s", e.toString());
        }
        sessions.closeAll();
    }
}
