package io.imsystem.presence.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.presence.config.PresenceConfig;
import io.imsystem.presence.service.ConnectionService;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Consumes {@code im:presence:events} in group {@code presence}: heartbeat batches and shutdowns
 * of gateways, logins and logouts from auth. One blocking loop on its own thread and its own
 * Redis client, so that a blocked XREADGROUP neither holds the event loop nor a pooled connection
 * of the request path. An entry is acknowledged after its work is done; entries a crashed
 * consumer left pending are claimed after {@code claim-min-idle}.
 */
@ApplicationScoped
public class PresenceEventsConsumer {

    private static final Logger LOG = Logger.getLogger(PresenceEventsConsumer.class);

    private final StreamCommands<String, String, String> streams;
    private final ConnectionService connections;
    private final PresenceConfig.Stream config;
    private final String key;
    private volatile boolean running;
    private Thread thread;

    public PresenceEventsConsumer(@RedisClientName("streams") RedisDataSource redis, ConnectionService connections,
            Keys keys, PresenceConfig config) {
        this.streams = redis.stream(String.class);
        this.connections = connections;
        this.config = config.stream();
        this.key = keys.presenceEvents();
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "presence-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(config.block().toMillis() + 1000);
        }
    }

    private void run() {
        boolean groupReady = false;
        long nextClaim = 0;
        int failures = 0;
        while (running) {
            try {
                if (!groupReady) {
                    // "$" at start: older entries were for whoever ran before; the next heartbeats rebuild everything.
                    createGroup("$");
                    groupReady = true;
                }
                if (System.currentTimeMillis() >= nextClaim) {
                    claimPending();
                    nextClaim = System.currentTimeMillis() + config.claimInterval().toMillis();
                }
                List<StreamMessage<String, String, String>> batch = streams.xreadgroup(config.group(), config.consumer(), key, ">",
                        new XReadGroupArgs().count(config.count()).block(config.block()));
                handleAll(batch);
                if (failures > 0) {
                    LOG.infof("reading %s again after %d failed attempt(s)", key, failures);
                    failures = 0;
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                String message = String.valueOf(e.getMessage());
                if (message.contains("NOGROUP") || message.contains("UNBLOCKED")) {
                    // Redis lost the stream and its group: what is in the new stream is all unread.
                    LOG.warn("consumer group of " + key + " is gone (Redis data lost?): creating it again");
                    recreateGroup();
                    continue;
                }
                // Redis unreachable: back off up to 16 × retry-delay, so a long outage does not flood the log.
                long delay = config.retryDelay().toMillis() << Math.min(failures, 4);
                failures++;
                LOG.warnf("reading %s failed (attempt %d), retrying in %d ms: %s", key, failures, delay, e.toString());
                sleep(delay);
            }
        }
    }

    private void recreateGroup() {
        try {
            createGroup("0");
        } catch (RuntimeException e) {
            LOG.warnf("creating the group of %s failed: %s", key, e.toString());
            sleep(config.retryDelay().toMillis());
        }
    }

    private void createGroup(String from) {
        try {
            streams.xgroupCreate(key, config.group(), from, new XGroupCreateArgs().mkstream());
            LOG.infof("created consumer group %s on %s", config.group(), key);
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void claimPending() {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(key, config.group(), config.consumer(),
                    config.claimMinIdle(), cursor, config.count());
            if (!claimed.getMessages().isEmpty()) {
                LOG.infof("claimed %d pending entries of %s", claimed.getMessages().size(), key);
            }
            handleAll(claimed.getMessages());
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    private void handleAll(List<StreamMessage<String, String, String>> batch) {
        if (batch == null) {
            return;
        }
        for (StreamMessage<String, String, String> message : batch) {
            if (message.payload() == null) {
                continue; // deleted while pending: nothing to do and nothing to ack
            }
            if (handle(message)) {
                streams.xack(key, config.group(), message.id());
            }
        }
    }

    /** Does the work of one entry; false leaves it pending, to be claimed again later. */
    private boolean handle(StreamMessage<String, String, String> message) {
        Map<String, String> fields = message.payload();
        String type = fields.get(StreamFields.TYPE);
        try {
            switch (type == null ? "" : type) {
                case StreamFields.HEARTBEAT -> connections.heartbeat(gateway(fields), fields.get(StreamFields.CONNS), entryMillis(message.id()));
                case StreamFields.GATEWAY_DOWN -> connections.gatewayDown(gateway(fields));
                case StreamFields.LOGIN -> connections.login(user(fields));
                case StreamFields.LOGOUT -> connections.logout(user(fields));
                default -> LOG.warnf("ignoring entry %s of %s with unknown type '%s'", message.id(), key, type);
            }
            return true;
        } catch (IllegalArgumentException e) {
            // Malformed: no retry can fix it.
            LOG.warnf("ignoring malformed entry %s of %s: %s", message.id(), key, e.getMessage());
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("entry %s of %s failed, left pending: %s", message.id(), key, e.toString());
            return false;
        }
    }

    private static String gateway(Map<String, String> fields) {
        String gateway = fields.get(StreamFields.GATEWAY);
        if (gateway == null || !ConnectionService.SAFE_ID.matcher(gateway).matches()) {
            throw new IllegalArgumentException("bad gateway id '" + gateway + "'");
        }
        return gateway;
    }

    private static long user(Map<String, String> fields) {
        long user = Long.parseLong(String.valueOf(fields.get(StreamFields.USER)).trim());
        if (user <= 0) {
            throw new IllegalArgumentException("bad user id " + user);
        }
        return user;
    }

    private static long entryMillis(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
