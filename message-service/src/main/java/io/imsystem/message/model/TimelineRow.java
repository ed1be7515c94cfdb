package io.imsystem.message.model;

/** A message together with its place in the timeline of the user who reads it. */
public record TimelineRow(TimelineEntry entry, Message message) {
}
