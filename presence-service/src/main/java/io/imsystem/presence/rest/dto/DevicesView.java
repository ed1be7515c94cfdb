package io.imsystem.presence.rest.dto;

/** How many connections the user holds across all gateways after the change. */
public record DevicesView(long devices) {
}
