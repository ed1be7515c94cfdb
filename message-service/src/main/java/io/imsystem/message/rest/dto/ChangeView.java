package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.ChangeRepository;
import io.imsystem.message.model.MessageChange;
import java.time.Instant;

/**
 * A change of a message in the reader's timeline (the {@code changes} of sync): {@code type}
 * {@code edited} (with the {@code content} it set, "" once the message was recalled, and
 * {@code edited_at}) or {@code recalled}; {@code seq} is its place in the reader's timeline. The
 * {@code edited} and {@code recalled} frames have the same fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChangeView(long seq, String type, long msgId, String content, Instant editedAt, long by, long timestamp) {

    public static ChangeView of(ChangeRepository.Row r) {
        return of(r.seq(), r.kind(), r.messageId(), r.content(), r.byUser(), r.createdAt());
    }

    public static ChangeView of(long seq, MessageChange c) {
        return of(seq, c.kind, c.messageId, c.content, c.byUser, c.createdAt);
    }

    private static ChangeView of(long seq, String kind, long messageId, String content, long by, Instant at) {
        boolean edit = MessageChange.EDITED.equals(kind);
        return new ChangeView(seq, kind, messageId, edit ? (content == null ? "" : content) : null,
                edit ? MessageView.seconds(at) : null, by, at.getEpochSecond());
    }
}
