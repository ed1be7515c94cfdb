package io.imsystem.message.rest.dto;

/** Body of PUT /api/v1/messages/{message_id}: the new content (1-5000 characters after trimming). */
public record EditMessageRequest(String content) {
}
