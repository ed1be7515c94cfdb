package io.imsystem.message.rest.dto;

/** How many messages an update changed. */
public record Marked(int marked) {
}
