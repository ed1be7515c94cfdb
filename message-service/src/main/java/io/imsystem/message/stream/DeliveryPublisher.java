package io.imsystem.message.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.message.config.MessageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Hands server frames to the gateways that hold a connection of the target users: reads each user's
 * route table ({@code im:route:{uid}}, owned by presence) and adds one {@code deliver} entry per
 * gateway (docs/ARCHITECTURE.md, "Streams"). A user without a route gets nothing: MySQL keeps the
 * message in their offline queue.
 */
@ApplicationScoped
public class DeliveryPublisher {

    private static final Logger LOG = Logger.getLogger(DeliveryPublisher.class);

    private final HashCommands<String, String, String> routes;
    private final StreamCommands<String, String, String> streams;
    private final Keys keys;
    private final ObjectMapper json;
    private final MessageConfig config;

    public DeliveryPublisher(RedisDataSource redis, Keys keys, ObjectMapper json, MessageConfig config) {
        this.routes = redis.hash(String.class, String.class, String.class);
        this.streams = redis.stream(String.class, String.class, String.class);
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    /**
     * Sends {@code frame} to every connection of {@code users} (but {@code excludeConn}); where
     * {@code seqs} names a user, the gateway sets that user's seq into the frame. Never throws: the
     * truth is in MySQL, and what is not pushed now is found by sync and the offline queue.
     */
    public void deliver(Map<String, Object> frame, Collection<Long> users, Map<Long, Long> seqs, String excludeConn) {
        try {
            TreeSet<String> gateways = new TreeSet<>();
            for (long user : users) {
                gateways.addAll(routes.hgetall(keys.route(user)).values());
            }
            if (gateways.isEmpty()) {
                return;
            }
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put(StreamFields.TYPE, StreamFields.DELIVER);
            entry.put(StreamFields.FRAME, json.writeValueAsString(frame));
            entry.put(StreamFields.USERS, users.stream().map(String::valueOf).collect(Collectors.joining(",")));
            if (seqs != null && !seqs.isEmpty()) {
                Map<String, Long> bySeq = new LinkedHashMap<>();
                seqs.forEach((u, s) -> bySeq.put(String.valueOf(u), s));
                entry.put(StreamFields.SEQS, json.writeValueAsString(bySeq));
            }
            if (excludeConn != null && !excludeConn.isBlank()) {
                entry.put(StreamFields.EXCLUDE_CONN, excludeConn);
            }
            for (String gateway : gateways) {
                streams.xadd(keys.gatewayStream(gateway), trimmed(), entry);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand a %s frame for users %s to the gateways: %s", frame.get("type"), users, e.toString());
        }
    }

    XAddArgs trimmed() {
        return new XAddArgs().maxlen(config.streamMaxLen()).nearlyExactTrimming();
    }
}
