package io.imsystem.presence.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imsystem.common.stream.GatewayEntry;
import io.imsystem.common.stream.GatewayStreams;
import io.imsystem.presence.service.PresenceState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Writes {@code presence} frames as {@code deliver} entries to the streams of the gateways that hold the peers. */
@ApplicationScoped
public class PresencePublisher {

    /** The server frame of API.md. */
    public record PresenceFrame(String type, long userId, String status, String lastSeen) {
    }

    private final GatewayStreams streams;
    private final ObjectMapper json;

    public PresencePublisher(GatewayStreams streams, ObjectMapper json) {
        this.streams = streams;
        this.json = json;
    }

    /** One entry per gateway holding any of {@code peers}; peers with no connection get nothing. */
    public void publish(PresenceState state, List<Long> peers) {
        String frame;
        try {
            frame = json.writeValueAsString(new PresenceFrame("presence", state.userId(), state.status(), state.lastSeen()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        streams.publishAndAwait(List.of(GatewayStreams.Targeted.of(GatewayEntry.Deliver.of(frame, peers))));
    }
}
