package io.imsystem.message.rest.dto;

/** A plain count. */
public record Count(long count) {
}
