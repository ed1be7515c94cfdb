package io.imsystem.message.rest.dto;

import java.util.List;

/** A page of the offline queue and the size of the whole queue. */
public record OfflineList(List<OfflineMessage> messages, long total) {
}
