package io.imsystem.common.limit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.util.Map;

/**
 * The token buckets every service shares (defaults and environment variables in common's
 * microprofile-config.properties; docs/OPERATIONS.md lists them).
 */
@ConfigMapping(prefix = "im.rate-limit")
public interface RateLimitConfig {

    /** Off: nothing is limited (RATE_LIMIT_ENABLED). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Client addresses (exact, or CIDR like {@code 10.0.0.0/8}) whose per-address buckets are skipped:
     * trusted clients that register or log in many users at once, such as a load generator
     * (RATE_LIMIT_EXEMPT_ADDRESSES). Per-user buckets still hold for their users.
     */
    java.util.Optional<java.util.List<String>> exemptAddresses();

    /** The buckets by name (send, sync, presence, friend-request, group-create, group-members, register, login). */
    Map<String, Bucket> limits();

    /** One bucket: it holds {@code burst} tokens and gains {@code perMinute} a minute. */
    interface Bucket {
        /** Tokens a full bucket holds: calls that may come at once (X-RateLimit-Limit). */
        @Min(1)
        int burst();

        /** Tokens added a minute, up to {@code burst}: the sustained rate. */
        @Positive
        double perMinute();
    }
}
