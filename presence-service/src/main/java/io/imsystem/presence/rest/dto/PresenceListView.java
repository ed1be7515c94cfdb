package io.imsystem.presence.rest.dto;

import java.util.List;

/** The presence of the users asked for, in the order asked. */
public record PresenceListView(List<PresenceView> presence) {
}
