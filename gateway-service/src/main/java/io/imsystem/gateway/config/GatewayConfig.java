package io.imsystem.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the gateway: its id, the services behind it, and the limits of its sockets. */
@ConfigMapping(prefix = "im.gateway")
public interface GatewayConfig {

    /** This gateway's id in the route table and the name of its stream; generated when unset. */
    Optional<String> id();

    /** Base URLs of the services behind the gateway. */
    Backends backends();

    Ws ws();

    Batch batch();

    /** How client frames travel to message-service: many sockets' frames per internal call. */
    interface Batch {
        /**
         * Independent lanes to message-service, each with at most one call under way; a user's frames
         * always take the same lane, so they arrive in the order sent.
         */
        @WithDefault("2")
        @Min(1)
        @Max(64)
        int lanes();

        /** The most frames in one call. */
        @WithDefault("256")
        @Min(1)
        @Max(512)
        int maxItems();

        /** Frames that may wait in one lane; beyond, a frame is answered with a 503 error frame at once. */
        @WithDefault("4096")
        @Min(1)
        int maxWaiting();
    }

    interface Backends {
        @WithDefault("http://localhost:8081")
        String auth();

        @WithDefault("http://localhost:8082")
        String message();

        @WithDefault("http://localhost:8083")
        String presence();

        /** Time to connect to a backend before answering 503. */
        @WithDefault("1s")
        Duration connectTimeout();

        /** Time a backend may take to answer before the gateway answers 504. */
        @WithDefault("30s")
        Duration requestTimeout();

        /** How long the public {@code /health} answers the last checks before checking again (GATEWAY_HEALTH_CACHE). */
        @WithDefault("5s")
        Duration healthCache();
    }

    interface Ws {
        /** Server pings every this often (WS_PING_INTERVAL). */
        @WithDefault("30s")
        Duration pingInterval();

        /** A connection that sent nothing (not even a pong) for this long is closed (WS_READ_TIMEOUT). */
        @WithDefault("90s")
        Duration readTimeout();

        /** How often sockets are checked for silence and for an expired token. */
        @WithDefault("5s")
        Duration sweepInterval();

        /** How often the gateway sends presence its batch of open connections. */
        @WithDefault("30s")
        Duration heartbeatInterval();

        /** Origins allowed to open a socket (WS_ALLOWED_ORIGINS); the gateway's own origin is always allowed. */
        @WithDefault("http://localhost:8080,http://127.0.0.1:8080")
        List<String> allowedOrigins();

        /** Client frames per second above which the connection is closed with 1008. */
        @WithDefault("50")
        int maxFramesPerSecond();

        /** Client frames that fail as malformed or unknown, in a row, before the connection is closed with 1008. */
        @WithDefault("20")
        int maxBadFrames();

        /** Frames written but not yet flushed to one slow client before it is closed with 1013. */
        @WithDefault("1000")
        int maxPendingFrames();

        /** Calls to the services one socket may have under way; more get an error frame (429) at once. */
        @WithDefault("32")
        int maxInflightCalls();

        /**
         * Sockets one user may have open on this gateway (phones, tabs, desktop); the next one is closed
         * with 4429 as soon as it opens.
         */
        @WithDefault("10")
        @Min(1)
        int maxConnectionsPerUser();

        /** Largest client frame; larger ones close the connection with 1009. */
        @WithDefault("65536")
        int maxFrameSize();
    }
}
