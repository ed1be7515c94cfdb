package io.imsystem.presence.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.presence.config.PresenceConfig;
import io.imsystem.presence.service.PresenceState;
import io.imsystem.presence.service.PresenceStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes {@code presence} frames as {@code deliver} entries to the streams of the gateways that hold the peers. */
@ApplicationScoped
public class PresencePublisher {

    /** The server frame of API.md. */
    public record PresenceFrame(String type, long userId, String status, String lastSeen) {
    }

    private final PresenceStore store;
    private final Keys keys;
    private final ObjectMapper json;
    private final StreamCommands<String, String, String> streams;
    private final long maxLen;

    public PresencePublisher(PresenceStore store, Keys keys, ObjectMapper json, RedisDataSource redis, PresenceConfig config) {
        this.store = store;
        this.keys = keys;
        this.json = json;
        this.streams = redis.stream(String.class);
        this.maxLen = config.push().streamMaxLen();
    }

    /** One entry per gateway holding any of {@code peers}; peers with no connection get nothing. */
    public void publish(PresenceState state, List<Long> peers) {
        String frame;
        try {
            frame = json.writeValueAsString(new PresenceFrame("presence", state.userId(), state.status(), state.lastSeen()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, List<Long>> e : store.gatewaysOf(peers).entrySet()) {
            streams.xadd(keys.gatewayStream(e.getKey()), new XAddArgs().maxlen(maxLen).nearlyExactTrimming(), Map.of(
                    StreamFields.TYPE, StreamFields.DELIVER,
                    StreamFields.FRAME, frame,
                    StreamFields.USERS, e.getValue().stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
    }
}
