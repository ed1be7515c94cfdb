package io.imsystem.common.stream;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one writer of the gateways' streams, used by every service: finds the gateways holding a
 * connection of each target user (their route tables {@code im:route:{uid}}, owned by presence) and adds
 * one entry per gateway, naming only that gateway's users. However many entries and users, two
 * pipelined round trips (every route table, then every XADD), each XADD trimmed to {@code MAXLEN ~}
 * {@code im.streams.max-len} ({@code STREAM_MAX_LEN}). A user without a route gets nothing: what is
 * stored waits in MySQL (offline queue, sync).
 */
@ApplicationScoped
public class GatewayStreams {

    /** Settings of the streams between the services. */
    @ConfigMapping(prefix = "im.streams")
    public interface Config {
        /** Approximate length every XADD trims a stream to. */
        @WithDefault("100000")
        long maxLen();
    }

    /** An entry and the users whose gateways get it (a {@link GatewayEntry.Deliver} is cut down to each gateway's users). */
    public record Targeted(GatewayEntry entry, Collection<Long> users) {

        /** A deliver entry goes to its own users. */
        public static Targeted of(GatewayEntry.Deliver entry) {
            return new Targeted(entry, entry.users());
        }
    }

    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final Redis redis;
    private final Keys keys;
    private final String maxLen;

    public GatewayStreams(ReactiveRedisDataSource redis, Keys keys, Config config) {
        this.redis = redis.getRedis();
        this.keys = keys;
        this.maxLen = Long.toString(config.maxLen());
    }

    /**
     * Adds every entry, in list order, to the streams of the gateways of its users (a gateway reads them
     * in that order, so a user's frames reach their sockets in the order given); answers how many XADDs.
     */
    public Uni<Integer> publish(List<Targeted> entries) {
        Set<Long> everyone = new LinkedHashSet<>();
        entries.forEach(t -> everyone.addAll(t.users()));
        if (everyone.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return gatewaysOf(List.copyOf(everyone)).onItem().transformToUni(gatewaysOf -> {
            List<Request> adds = new ArrayList<>();
            for (Targeted t : entries) {
                Map<String, Set<Long>> byGateway = new TreeMap<>();
                for (long user : t.users()) {
                    for (String gateway : gatewaysOf.getOrDefault(user, List.of())) {
                        byGateway.computeIfAbsent(gateway, g -> new LinkedHashSet<>()).add(user);
                    }
                }
                byGateway.forEach((gateway, users) -> adds.add(xadd(gateway,
                        t.entry() instanceof GatewayEntry.Deliver d ? d.forUsers(users) : t.entry())));
            }
            return append(adds);
        });
    }

    /**
     * {@link #publish} from a worker thread, waiting at most as long as Quarkus's blocking Redis client
     * would ({@code quarkus.redis.timeout}'s default): a Redis that stops answering must not hold the
     * caller (message-service's publisher thread) for ever.
     */
    public int publishAndAwait(List<Targeted> entries) {
        return publish(entries).await().atMost(AWAIT);
    }

    /** Adds entries to the streams of gateways already known (presence, which owns the routes); answers how many XADDs. */
    public Uni<Integer> appendTo(Map<String, List<GatewayEntry>> byGateway) {
        List<Request> adds = new ArrayList<>();
        byGateway.forEach((gateway, list) -> list.forEach(e -> adds.add(xadd(gateway, e))));
        return append(adds);
    }

    private Uni<Integer> append(List<Request> adds) {
        if (adds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return redis.batch(adds).replaceWith(adds.size());
    }

    private Request xadd(String gateway, GatewayEntry entry) {
        Request add = Request.cmd(Command.XADD).arg(keys.gatewayStream(gateway)).arg("MAXLEN").arg("~").arg(maxLen).arg("*");
        entry.fields().forEach((field, value) -> add.arg(field).arg(value));
        return add;
    }

    /** The distinct gateways holding a connection of each user: every route table in one pipelined round trip. */
    private Uni<Map<Long, List<String>>> gatewaysOf(List<Long> users) {
        List<Request> lookups = new ArrayList<>(users.size());
        for (long user : users) {
            lookups.add(Request.cmd(Command.HVALS).arg(keys.route(user)));
        }
        return redis.batch(lookups).map(routes -> {
            Map<Long, List<String>> out = new LinkedHashMap<>();
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
        });
    }
}
