package io.imsystem.message.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.message.config.MessageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

    private final Redis batch;
    private final StreamCommands<String, String, String> streams;
    private final Keys keys;
    private final ObjectMapper json;
    private final MessageConfig config;

    public DeliveryPublisher(RedisDataSource redis, Keys keys, ObjectMapper json, MessageConfig config) {
        this.batch = redis.getReactive().getRedis();
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
            Set<String> gateways = usersByGateway(users).keySet();
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

    /**
     * Sends {@code frame} to every connection of many users (a group's members) but {@code excludeConn}:
     * all their route tables are read in one pipelined round trip, and each gateway that holds any of
     * them gets one entry naming only its own users (and, where {@code seqs} names them, their seqs);
     * the entries go out in a second pipelined round trip. Never throws, like {@link #deliver}.
     */
    public void deliverToEach(Map<String, Object> frame, Collection<Long> users, Map<Long, Long> seqs, String excludeConn) {
        try {
            Map<String, Set<Long>> byGateway = usersByGateway(users);
            if (byGateway.isEmpty()) {
                return;
            }
            String frameJson = json.writeValueAsString(frame);
            List<Request> adds = new ArrayList<>(byGateway.size());
            for (Map.Entry<String, Set<Long>> e : byGateway.entrySet()) {
                Request add = Request.cmd(Command.XADD).arg(keys.gatewayStream(e.getKey()))
                        .arg("MAXLEN").arg("~").arg(config.streamMaxLen()).arg("*")
                        .arg(StreamFields.TYPE).arg(StreamFields.DELIVER)
                        .arg(StreamFields.FRAME).arg(frameJson)
                        .arg(StreamFields.USERS).arg(e.getValue().stream().map(String::valueOf).collect(Collectors.joining(",")));
                if (seqs != null && !seqs.isEmpty()) {
                    Map<String, Long> ofGateway = new LinkedHashMap<>();
                    for (long user : e.getValue()) {
                        Long seq = seqs.get(user);
                        if (seq != null) {
                            ofGateway.put(String.valueOf(user), seq);
                        }
                    }
                    if (!ofGateway.isEmpty()) {
                        add.arg(StreamFields.SEQS).arg(json.writeValueAsString(ofGateway));
                    }
                }
                if (excludeConn != null && !excludeConn.isBlank()) {
                    add.arg(StreamFields.EXCLUDE_CONN).arg(excludeConn);
                }
                adds.add(add);
            }
            batch.batchAndAwait(adds);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand a %s frame for %d users to the gateways: %s", frame.get("type"), users.size(), e.toString());
        }
    }

    /**
     * The gateways holding a connection of any of {@code users}, each with those of the users it
     * holds (gateway ids sorted): every route table in one pipelined round trip.
     */
    private Map<String, Set<Long>> usersByGateway(Collection<Long> users) {
        List<Long> targets = List.copyOf(new LinkedHashSet<>(users));
        Map<String, Set<Long>> byGateway = new TreeMap<>();
        if (targets.isEmpty()) {
            return byGateway;
        }
        List<Request> lookups = new ArrayList<>(targets.size());
        for (long user : targets) {
            lookups.add(Request.cmd(Command.HVALS).arg(keys.route(user)));
        }
        List<Response> routesOfUsers = batch.batchAndAwait(lookups);
        for (int i = 0; i < targets.size(); i++) {
            Response gatewaysOfUser = routesOfUsers.get(i);
            if (gatewaysOfUser == null) {
                continue;
            }
            for (Response gateway : gatewaysOfUser) {
                byGateway.computeIfAbsent(gateway.toString(), g -> new LinkedHashSet<>()).add(targets.get(i));
            }
        }
        return byGateway;
    }

    XAddArgs trimmed() {
        return new XAddArgs().maxlen(config.streamMaxLen()).nearlyExactTrimming();
    }
}
