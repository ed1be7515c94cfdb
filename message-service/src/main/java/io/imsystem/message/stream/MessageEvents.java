package io.imsystem.message.stream;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.imsystem.common.stream.GatewayStreams;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Publishes {@code read} and {@code deleted} to {@code im:message:events} (for future consumers: push,
 * webhooks). Sends publish nothing here: nothing reads the stream yet, and it was a round trip per send.
 */
@ApplicationScoped
public class MessageEvents {

    private static final Logger LOG = Logger.getLogger(MessageEvents.class);

    private final StreamCommands<String, String, String> streams;
    private final Keys keys;
    private final long maxLen;

    public MessageEvents(RedisDataSource redis, Keys keys, GatewayStreams.Config streamConfig) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.keys = keys;
        this.maxLen = streamConfig.maxLen();
    }

    public void read(long reader, long peer, Collection<Long> messageIds) {
        publish("read", Map.of("reader", String.valueOf(reader), "peer", String.valueOf(peer),
                "msg_ids", messageIds.stream().map(String::valueOf).collect(Collectors.joining(","))));
    }

    public void deleted(long messageId, long by) {
        publish("deleted", Map.of("msg_id", String.valueOf(messageId), "by", String.valueOf(by)));
    }

    private void publish(String type, Map<String, String> fields) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put(StreamFields.TYPE, type);
        entry.putAll(fields);
        try {
            streams.xadd(keys.messageEvents(), new XAddArgs().maxlen(maxLen).nearlyExactTrimming(), entry);
        } catch (RuntimeException e) {
            LOG.warnf("could not publish a %s event: %s", type, e.toString());
        }
    }
}
