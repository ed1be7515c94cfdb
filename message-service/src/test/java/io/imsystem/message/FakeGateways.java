package io.imsystem.message;

import io.imsystem.common.redis.Keys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Gateways that exist only as Redis keys, for the delivery tests: routes of users to them, and the
 * entries message-service wrote to their streams. {@link #removeKeys} deletes what a test created.
 */
final class FakeGateways {

    private final RedisDataSource redis;
    private final Keys keys;
    private final List<String> created = new ArrayList<>();

    FakeGateways(RedisDataSource redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** A new gateway id, with no stream yet. */
    String create() {
        String gw = "gw-" + UUID.randomUUID();
        created.add(keys.gatewayStream(gw));
        return gw;
    }

    /** The user's route table, as presence would write it: connection id → gateway id. */
    void route(long user, Map<String, String> connToGateway) {
        redis.hash(String.class).hset(keys.route(user), connToGateway);
        created.add(keys.route(user));
    }

    /** The fields of every entry on the gateway's stream, oldest first. */
    List<Map<String, String>> entries(String gateway) {
        return redis.stream(String.class).xrange(keys.gatewayStream(gateway), StreamRange.of("-", "+")).stream()
                .map(StreamMessage::payload).toList();
    }

    void removeKeys() {
        if (!created.isEmpty()) {
            redis.key().del(created.toArray(String[]::new));
            created.clear();
        }
    }
}
