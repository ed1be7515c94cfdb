package io.imsystem.message.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What a reply shows of the message it quotes: its id, its sender and the start of its content
 * ({@value #MAX_EXCERPT} characters at most; empty once that message is recalled or deleted).
 */
public record Quote(long id, long senderId, String excerpt) {

    public static final int MAX_EXCERPT = 100;

    /** A quote whose message is still to be looked up (sender and excerpt unknown). */
    public static Quote pending(long id) {
        return new Quote(id, 0, null);
    }

    @JsonIgnore
    public boolean isPending() {
        return excerpt == null;
    }

    /** The quote of {@code m} as it is now. */
    public static Quote of(Message m) {
        boolean gone = m.recalled() || m.deletedAt != null;
        return new Quote(m.id, m.senderId, gone ? "" : excerpt(m.content));
    }

    /** The first {@value #MAX_EXCERPT} characters (code points, never half a surrogate pair). */
    public static String excerpt(String content) {
        if (content == null) {
            return "";
        }
        int points = content.codePointCount(0, content.length());
        return points <= MAX_EXCERPT ? content : content.substring(0, content.offsetByCodePoints(0, MAX_EXCERPT));
    }
}
