package io.imsystem.message.rest.dto;

import java.util.List;

/** The newest conversations and how many the caller has in all. */
public record ConversationList(List<ConversationView> conversations, long total) {
}
