package io.imsystem.message.rest.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.imsystem.message.model.ChatGroup;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A group as its members see it; {@code members} only where one group is asked for. */
public record GroupView(long id, String name, String avatar, long ownerId, long memberCount, Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<MemberView> members) {

    public static GroupView of(ChatGroup g, long memberCount) {
        return of(g, memberCount, null);
    }

    public static GroupView of(ChatGroup g, long memberCount, List<MemberView> members) {
        return new GroupView(g.id, g.name, g.avatar, g.ownerId, memberCount, g.createdAt.truncatedTo(ChronoUnit.SECONDS), members);
    }
}
