package io.imsystem.auth.rest.dto;

/**
 * GET /internal/v1/relations: whether the receiver ({@code to}) has blocked the sender
 * ({@code from}), and whether the two are friends.
 */
public record RelationView(boolean blocked, boolean friends) {
}
