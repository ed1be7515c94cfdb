package io.imsystem.message.rest.dto;

/** One emoji on a message: how many users put it there, and whether the reader is one of them. */
public record ReactionView(String emoji, long count, boolean me) {
}
