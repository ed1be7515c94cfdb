package io.imsystem.presence.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.presence.client.UserSummary;
import io.imsystem.presence.rest.dto.OnlineUserView;
import io.imsystem.presence.rest.dto.OnlineUsersView;
import io.imsystem.presence.rest.dto.PresenceListView;
import io.imsystem.presence.rest.dto.PresenceView;
import io.imsystem.presence.rest.dto.UserPresenceView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The read side of presence: who is online, and the presence of given users. */
@ApplicationScoped
public class PresenceQueryService {

    public static final int MAX_IDS = 200;

    private final PresenceStore store;
    private final UserDirectory directory;

    public PresenceQueryService(PresenceStore store, UserDirectory directory) {
        this.store = store;
        this.directory = directory;
    }

    /** One page of the online users, most recently active first, with their usernames. */
    public OnlineUsersView onlineUsers(int page, int pageSize, String authorization) {
        long count = store.onlineCount();
        List<Long> ids = store.onlinePage((long) (page - 1) * pageSize, pageSize);
        UserDirectory.Lookup names = directory.users(ids, authorization);
        List<OnlineUserView> users = store.states(ids).stream()
                .map(s -> new OnlineUserView(s.userId(), username(names, s.userId()), s.status(), s.lastSeen(),
                        s.devices() > 0, s.devices()))
                .toList();
        return new OnlineUsersView(count, users);
    }

    /** The presence of one user; 404 when auth-service says there is no such user. */
    public UserPresenceView user(long userId, String authorization) {
        UserDirectory.Lookup names = directory.users(List.of(userId), authorization);
        if (names.complete() && !names.users().containsKey(userId)) {
            throw ApiException.notFound("user");
        }
        PresenceState s = store.states(List.of(userId)).get(0);
        return new UserPresenceView(userId, s.online(), username(names, userId), s.status(), s.lastSeen(),
                s.devices() > 0, s.devices());
    }

    /** The presence of each user asked for (unknown users are offline), in the order asked. */
    public PresenceListView presence(List<Long> userIds) {
        return new PresenceListView(store.states(userIds).stream()
                .map(s -> new PresenceView(s.userId(), s.online(), s.status(), s.lastSeen()))
                .toList());
    }

    private static String username(UserDirectory.Lookup names, long userId) {
        UserSummary u = names.users().get(userId);
        return u == null ? null : u.username();
    }
}
