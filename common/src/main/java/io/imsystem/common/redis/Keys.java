package io.imsystem.common.redis;

import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Every Redis key and stream name the services share (DESIGN.md), behind one optional prefix
 * ({@code IM_REDIS_KEY_PREFIX}) so that test runs of several modules never see each other's keys.
 */
@ApplicationScoped
public class Keys {

    /** Settings of the shared Redis names. */
    @ConfigMapping(prefix = "im.redis")
    public interface Config {
        /** Put before every key; empty in production. */
        Optional<String> keyPrefix();
    }

    private final String p;

    public Keys(Config config) {
        this.p = config.keyPrefix().orElse("");
    }

    public String prefix() {
        return p;
    }

    /** Marker of a revoked access token, written by auth with the token's rest of life as TTL. */
    public String revoked(String jti) {
        return p + "im:auth:revoked:" + jti;
    }

    /** Route table of one user: hash connId → gatewayId, owned by presence. */
    public String route(long userId) {
        return p + "im:route:" + userId;
    }

    /** The delivery stream that one gateway alone consumes. */
    public String gatewayStream(String gatewayId) {
        return p + "im:gw:" + gatewayId;
    }

    /** Heartbeat batches and gateway-down notices from gateways to presence. */
    public String presenceEvents() {
        return p + "im:presence:events";
    }

    /** Sent, read and deleted events of message-service, for presence and metrics. */
    public String messageEvents() {
        return p + "im:message:events";
    }

    /** Online set: zset userId → last heartbeat (epoch millis), owned by presence. */
    public String online() {
        return p + "im:online";
    }

    /** Presence of one user: hash status, last_seen, devices, owned by presence. */
    public String presence(long userId) {
        return p + "im:presence:" + userId;
    }

    /**
     * The users that one user has blocked (a set, with the member "0" so that an empty list is
     * told from an unknown one), written by auth from MySQL on demand; message reads it on each
     * private send. Absent means unknown: ask auth.
     */
    public String blockedBy(long userId) {
        return p + "im:auth:blocked-by:" + userId;
    }

    /** Bumped by auth on every block or unblock of that user, so a slow refill cannot put a stale list back. */
    public String blocksVersion(long userId) {
        return p + "im:auth:blocks-ver:" + userId;
    }

    /** A token bucket of the shared rate limiter: limit name and whose bucket (a user id or a client address). */
    public String rateLimit(String limit, String subject) {
        return p + "im:limit:" + limit + ":" + subject;
    }

    /** Any other key of a service's own, under the same prefix. */
    public String of(String suffix) {
        return p + suffix;
    }
}
