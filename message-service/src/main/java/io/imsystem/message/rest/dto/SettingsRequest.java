package io.imsystem.message.rest.dto;

/** Body of PUT .../settings: any of the three (an absent one stays as it is). */
public record SettingsRequest(Boolean pinned, Boolean muted, Boolean archived) {
}
