package io.imsystem.presence.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of presence-service: liveness TTL, the sweeper, the events consumer and presence pushes. */
@ConfigMapping(prefix = "im.presence")
public interface PresenceConfig {

    /** A connection without heartbeat for longer than this is gone (2 × WS_READ_TIMEOUT by default). */
    @WithDefault("180s")
    Duration ttl();

    /** How often the sweeper looks for silent connections and idle users. */
    @WithDefault("10s")
    Duration sweepInterval();

    /** How long a closed connection id is remembered, so that a late heartbeat batch cannot revive it. */
    @WithDefault("10m")
    Duration closedMemory();


    /** Most connections or users handled per sweep step. */
    @WithDefault("500")
    int sweepBatch();

    Stream stream();

    Push push();

    Janitor janitor();

    /**
     * Keeps Redis's streams bounded: entries every consumer group has acknowledged are trimmed, and the
     * streams of gateways that are gone (a new pod name at every rollout) are deleted.
     */
    interface Janitor {
        /** How often the streams are trimmed and dead gateways' streams looked for. */
        @WithDefault("30s")
        Duration interval();

        /** A gateway stream is deleted once presence lists no connection on that gateway and nothing was added for this long. */
        @WithDefault("10m")
        Duration deadAfter();

        /** Entries of a stream that no consumer group reads are kept this long. */
        @WithDefault("1h")
        Duration retention();
    }

    Lookups lookups();

    /** Caches of other services' answers. */
    interface Lookups {
        /** How long a username from auth-service is reused. */
        @WithDefault("60s")
        Duration usersTtl();

        /** How long a user's peers from message-service are reused. */
        @WithDefault("30s")
        Duration peersTtl();

        @WithDefault("100000")
        int maxEntries();
    }

    /** The consumer of im:presence:events. */
    interface Stream {
        @WithDefault("presence")
        String group();

        /** Consumer name within the group; one per replica (the pod name in Kubernetes). */
        @WithDefault("${HOSTNAME:presence-1}")
        String consumer();

        /** How long one XREADGROUP waits; must stay below the Redis client timeout (10 s). */
        @WithDefault("2s")
        Duration block();

        @WithDefault("100")
        int count();

        /** Entries pending longer than this (a crashed consumer's) are claimed. */
        @WithDefault("30s")
        Duration claimMinIdle();

        /** How often pending entries are looked for. */
        @WithDefault("10s")
        Duration claimInterval();

        /** Pause after a failed read before trying again (Redis down). */
        @WithDefault("1s")
        Duration retryDelay();
    }

    /** Presence changes pushed to the users who share a conversation. */
    interface Push {
        @WithDefault("true")
        boolean enabled();

        /** A user's state is pushed once it has not changed for this long; changes within it coalesce. */
        @WithDefault("2s")
        Duration debounce();

        /** A user whose state keeps changing is pushed at the latest this long after the first change. */
        @WithDefault("10s")
        Duration maxDelay();
    }
}
