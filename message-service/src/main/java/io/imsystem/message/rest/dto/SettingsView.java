package io.imsystem.message.rest.dto;

/** The caller's settings of one conversation. */
public record SettingsView(boolean pinned, boolean muted, boolean archived) {
}
