package io.imsystem.gateway.ws;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this gateway, by id and by user, with the per-user cap. Plain Java (no I/O):
 * {@link ChatSessions} decides what happens to them.
 */
final class ConnectionRegistry {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final Map<Long, Set<ClientConnection>> byUser = new ConcurrentHashMap<>();

    /**
     * Adds a connection unless its user already has {@code maxPerUser}; the check and the add are one
     * step, so two handshakes at once cannot both take the last place.
     */
    boolean add(ClientConnection c, int maxPerUser) {
        boolean[] added = {false};
        byUser.compute(c.userId, (user, set) -> {
            Set<ClientConnection> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            if (s.size() < maxPerUser) {
                s.add(c);
                byId.put(c.id, c);
                added[0] = true;
            }
            return s.isEmpty() ? null : s;
        });
        return added[0];
    }

    /** Removes a connection; true if it was here (so exactly one caller unregisters it). */
    boolean remove(ClientConnection c) {
        if (!byId.remove(c.id, c)) {
            return false;
        }
        byUser.computeIfPresent(c.userId, (user, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
        return true;
    }

    boolean contains(ClientConnection c) {
        return byId.get(c.id) == c;
    }

    /** The user's connections here (a live view: empty when none). */
    Collection<ClientConnection> ofUser(long userId) {
        Set<ClientConnection> set = byUser.get(userId);
        return set == null ? List.of() : set;
    }

    /** The user's connections that belong to the session or token that ended (all of the user's when neither is given). */
    List<ClientConnection> ofSession(long userId, String session, String tokenId) {
        List<ClientConnection> out = new ArrayList<>();
        for (ClientConnection c : ofUser(userId)) {
            if (c.belongsTo(session, tokenId)) {
                out.add(c);
            }
        }
        return out;
    }

    Collection<ClientConnection> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }

    /** The map the connections gauge reads its size from. */
    Map<String, ClientConnection> byIdView() {
        return byId;
    }
}
