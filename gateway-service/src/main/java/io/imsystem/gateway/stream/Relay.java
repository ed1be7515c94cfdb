package io.imsystem.gateway.stream;

import io.imsystem.common.stream.GatewayEntry;
import io.imsystem.common.stream.GatewayStreams;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Relays a frame that is never stored (typing) to the gateways holding a user's sockets. */
@ApplicationScoped
public class Relay {

    private final GatewayStreams streams;

    public Relay(GatewayStreams streams) {
        this.streams = streams;
    }

    public Uni<Void> toUser(long userId, String frame) {
        return streams.publish(List.of(GatewayStreams.Targeted.of(GatewayEntry.Deliver.of(frame, List.of(userId))))).replaceWithVoid();
    }
}
