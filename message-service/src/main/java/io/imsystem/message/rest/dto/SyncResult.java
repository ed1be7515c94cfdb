package io.imsystem.message.rest.dto;

import java.util.List;

/**
 * Messages and changes (edits, recalls) after a seq, both in seq order and together a gap-free run of
 * the reader's timeline; {@code nextSeq} (the highest seq of either) is the after_seq of the next call.
 */
public record SyncResult(List<MessageView> messages, List<ChangeView> changes, long nextSeq, boolean hasMore) {
}
