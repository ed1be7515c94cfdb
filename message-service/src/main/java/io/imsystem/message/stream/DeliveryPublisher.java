package io.imsystem.message.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.message.config.MessageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
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
 * gateway and frame, naming only that gateway's users (docs/ARCHITECTURE.md, "Streams"). However many
 * frames and users, that is two pipelined round trips: every route table, then every entry. A user
 * without a route gets nothing: MySQL keeps the message in their offline queue.
 */
@ApplicationScoped
public class DeliveryPublisher {

    private static final Logger LOG = Logger.getLogger(DeliveryPublisher.class);

    /**
     * One frame for the connections of {@code users} (but {@code excludeConn}); where {@code seqs}
     * names a user, the gateway sets that user's seq into their copy of the frame.
     */
    public record Delivery(Map<String, Object> frame, Collection<Long> users, Map<Long, Long> seqs, String excludeConn) {
    }

    private final Redis redis;
    private final Keys keys;
    private final ObjectMapper json;
    private final MessageConfig config;

    public DeliveryPublisher(RedisDataSource redis, Keys keys, ObjectMapper json, MessageConfig config) {
        this.redis = redis.getReactive().getRedis();
        this.keys = keys;
        this.json = json;
        this.config = config;
    }

    /** One frame; see {@link #deliverAll}. */
    public void deliver(Map<String, Object> frame, Collection<Long> users, Map<Long, Long> seqs, String excludeConn) {
        deliverAll(List.of(new Delivery(frame, users, seqs, excludeConn)));
    }

    /**
     * Adds the entries of every delivery, in list order (a gateway reads them in that order, so a
     * user's frames reach their sockets in the order given). Never throws: the truth is in MySQL, and
     * what is not pushed now is found by sync and the offline queue.
     */
    public void deliverAll(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try {
            Set<Long> everyone = new LinkedHashSet<>();
            deliveries.forEach(d -> everyone.addAll(d.users()));
            Map<Long, List<String>> gatewaysOf = gatewaysOf(List.copyOf(everyone));
            List<Request> adds = new ArrayList<>();
            for (Delivery d : deliveries) {
                Map<String, Set<Long>> byGateway = new TreeMap<>();
                for (long user : d.users()) {
                    for (String gateway : gatewaysOf.getOrDefault(user, List.of())) {
                        byGateway.computeIfAbsent(gateway, g -> new LinkedHashSet<>()).add(user);
                    }
                }
                if (byGateway.isEmpty()) {
                    continue;
                }
                String frameJson = json.writeValueAsString(d.frame());
                byGateway.forEach((gateway, users) -> adds.add(entry(gateway, frameJson, users, d)));
            }
            if (!adds.isEmpty()) {
                redis.batchAndAwait(adds);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand %d frames to the gateways: %s", deliveries.size(), e.toString());
        }
    }

    private Request entry(String gateway, String frameJson, Set<Long> users, Delivery d) {
        Request add = Request.cmd(Command.XADD).arg(keys.gatewayStream(gateway))
                .arg("MAXLEN").arg("~").arg(config.streamMaxLen()).arg("*")
                .arg(StreamFields.TYPE).arg(StreamFields.DELIVER)
                .arg(StreamFields.FRAME).arg(frameJson)
                .arg(StreamFields.USERS).arg(users.stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (d.seqs() != null && !d.seqs().isEmpty()) {
            StringBuilder seqs = new StringBuilder("{");
            for (long user : users) {
                Long seq = d.seqs().get(user);
                if (seq != null) {
                    seqs.append(seqs.length() > 1 ? "," : "").append('"').append(user).append("\":").append(seq);
                }
            }
            if (seqs.length() > 1) {
                add.arg(StreamFields.SEQS).arg(seqs.append('}').toString());
            }
        }
        if (d.excludeConn() != null && !d.excludeConn().isBlank()) {
            add.arg(StreamFields.EXCLUDE_CONN).arg(d.excludeConn());
        }
        return add;
    }

    /** The gateways holding a connection of each of {@code users}: every route table in one pipelined round trip. */
    private Map<Long, List<String>> gatewaysOf(List<Long> users) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        if (users.isEmpty()) {
            return out;
        }
        List<Request> lookups = new ArrayList<>(users.size());
        for (long user : users) {
            lookups.add(Request.cmd(Command.HVALS).arg(keys.route(user)));
        }
        List<Response> routes = redis.batchAndAwait(lookups);
        for (int i = 0; i < users.size(); i++) {
            Response gateways = routes.get(i);
            if (gateways == null || gateways.size() == 0) {
                continue;
            }
            List<String> distinct = new ArrayList<>();
            for (Response g : gateways) {
                if (!distinct.contains(g.toString())) {
                    distinct.add(g.toString());
                }
            }
            out.put(users.get(i), distinct);
        }
        return out;
    }
}
