package io.imsystem.presence.rest.dto;

/** A gateway registers one WebSocket connection of a user. */
public record RegisterConnectionRequest(String connId, Long userId, String gatewayId) {
}
