package io.imsystem.message.rest.dto;

import java.util.List;

/**
 * A page of the offline queue, the size of the whole queue ({@code total}, at most MESSAGE_OFFLINE_MAX)
 * and how many older undelivered messages are beyond it ({@code overflow}): those only sync returns.
 */
public record OfflineList(List<OfflineMessage> messages, long total, long overflow) {
}
