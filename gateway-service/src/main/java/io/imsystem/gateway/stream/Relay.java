package io.imsystem.gateway.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Relays a frame that is never stored (typing) to the gateways holding a user's sockets. */
@ApplicationScoped
public class Relay {

    static final XAddArgs TRIM = new XAddArgs().maxlen(100_000L).nearlyExactTrimming();

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final Keys keys;

    public Relay(ReactiveRedisDataSource redis, Keys keys) {
        this.hashes = redis.hash(String.class);
        this.streams = redis.stream(String.class);
        this.keys = keys;
    }

    public Uni<Void> toUser(long userId, String frame) {
        return hashes.hgetall(keys.route(userId)).onItem().transformToUni(routes -> {
            List<Uni<String>> adds = new HashSet<>(routes.values()).stream()
                    .map(gw -> streams.xadd(keys.gatewayStream(gw), TRIM, Map.of(
                            StreamFields.TYPE, StreamFields.DELIVER,
                            StreamFields.FRAME, frame,
                            StreamFields.USERS, Long.toString(userId))))
                    .toList();
            return adds.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(adds).andFailFast().replaceWithVoid();
        });
    }
}
