package io.imsystem.message.rest.dto;

import java.util.List;

/** Messages after a seq, in seq order; {@code nextSeq} is the after_seq of the next call. */
public record SyncResult(List<MessageView> messages, long nextSeq, boolean hasMore) {
}
