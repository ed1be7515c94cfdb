package io.imsystem.message.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * Who of a message's receivers (the members who have it, its sender aside) got it and read it;
 * {@code read_by} in the order they read it.
 */
public record ReceiptsView(long memberCount, long deliveredCount, long readCount, List<ReadBy> readBy) {

    /** One receiver who read the message, and when ({@code read_at} null for a read recorded before read times were kept). */
    public record ReadBy(long userId, Instant readAt) {
    }
}
