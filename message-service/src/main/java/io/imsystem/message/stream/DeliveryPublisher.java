package io.imsystem.message.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.stream.GatewayEntry;
import io.imsystem.common.stream.GatewayStreams;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Hands server frames to the gateways that hold a connection of the target users, through the one
 * stream writer of common ({@link GatewayStreams}: every route table, then every entry, two pipelined
 * round trips however many frames). A user without a route gets nothing: MySQL keeps the message in
 * their offline queue.
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

    private final GatewayStreams streams;
    private final ObjectMapper json;

    public DeliveryPublisher(GatewayStreams streams, ObjectMapper json) {
        this.streams = streams;
        this.json = json;
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
            List<GatewayStreams.Targeted> entries = new ArrayList<>(deliveries.size());
            for (Delivery d : deliveries) {
                entries.add(GatewayStreams.Targeted.of(new GatewayEntry.Deliver(json.writeValueAsString(d.frame()),
                        List.copyOf(d.users()), d.seqs(), d.excludeConn())));
            }
            streams.publishAndAwait(entries);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("could not hand %d frames to the gateways: %s", deliveries.size(), e.toString());
        }
    }
}
