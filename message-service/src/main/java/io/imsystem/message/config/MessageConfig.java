package io.imsystem.message.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** Settings of message-service (application.properties maps the original's variables onto them). */
@ConfigMapping(prefix = "im.message")
public interface MessageConfig {

    /** Private messages only between friends (403 NOT_FRIENDS otherwise); blocks apply either way. */
    @WithDefault("false")
    boolean requireFriendship();

    /** The most members a group may have, its owner included (409 GROUP_FULL beyond). */
    @WithDefault("500")
    @Min(2)
    @Max(5000)
    int groupMaxMembers();

    /**
     * Incoming undelivered messages one user's offline queue holds (the newest ones); older undelivered
     * messages are not lost: they stay in the timeline, reachable through sync (MESSAGE_OFFLINE_MAX).
     */
    @WithDefault("1000")
    @jakarta.validation.constraints.Min(100)
    int offlineMax();

    /** How long after sending its sender may edit a message (MESSAGE_EDIT_WINDOW); later 403 WINDOW_PASSED. */
    @WithDefault("24h")
    Duration editWindow();

    /**
     * How long after sending its sender may recall a message for everyone (MESSAGE_RECALL_WINDOW); a
     * group's owner and admins may recall any of its messages at any time.
     */
    @WithDefault("2m")
    Duration recallWindow();

    /** The most different emoji one user may put on one message (409 REACTION_LIMIT beyond). */
    @WithDefault("20")
    @Min(1)
    @Max(100)
    int maxReactionsPerUser();

    /**
     * How often the senders of group messages hear of reads ({@code read} frames, one per group and read
     * count; MESSAGE_RECEIPT_DEBOUNCE), in the scheduler's {@code every} format ({@code 2s}, {@code 0.5s}).
     */
    @WithDefault("2s")
    String receiptDebounce();

    Users users();

    Cache cache();

    Send send();

    /** The send pipeline: sends wait in one queue and are stored many per transaction (group commit). */
    interface Send {
        /** The most sends stored in one transaction. */
        @WithDefault("128")
        @Min(1)
        @Max(1024)
        int batchSize();

        /** The most sends waiting; beyond, a send is refused at once with 503 and Retry-After. */
        @WithDefault("8192")
        @Min(1)
        int queueSize();
    }

    /** The in-memory cache of user lookups from auth-service. */
    interface Users {
        @WithDefault("60s")
        Duration ttl();

        @WithDefault("10000")
        @Min(1)
        int maxEntries();
    }

    /** Redis caches of recent messages, conversation lists and unread counts. */
    interface Cache {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("1h")
        Duration messageTtl();

        @WithDefault("30")
        @Min(1)
        @Max(1000)
        int maxCachedMessages();

        @WithDefault("10")
        @Min(1)
        @Max(50)
        int maxCachedConversations();
    }
}
