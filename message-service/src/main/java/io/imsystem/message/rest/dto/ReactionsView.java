package io.imsystem.message.rest.dto;

import java.util.List;

/** The reactions of one message as the caller sees them (the answer of the reaction routes). */
public record ReactionsView(List<ReactionView> reactions) {
}
