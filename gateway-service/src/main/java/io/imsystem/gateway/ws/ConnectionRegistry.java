package io.imsystem.gateway.ws;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections of this gateway, by id and by user, with the per-user cap. Plain Java (no I/O):
 * {@link ChatSessions} decides what happens to them.
 *
 * <p>A user's connections are one small array, replaced (never changed) under the map's lock of that
 * user: a handful of sockets per user at most, read on every frame for the user, changed only at
 * open and close; a set per user would cost a map of its own per user (~200 bytes) for nothing.
 */
final class ConnectionRegistry {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final Map<Long, ClientConnection[]> byUser = new ConcurrentHashMap<>();

    /**
     * Adds a connection unless its user already has {@code maxPerUser}; the check and the add are one
     * step, so two handshakes at once cannot both take the last place.
     */
    boolean add(ClientConnection c, int maxPerUser) {
        boolean[] added = {false};
        byUser.compute(c.userId, (user, conns) -> {
            if (conns == null) {
                byId.put(c.id, c);
                added[0] = true;
                return new ClientConnection[] {c};
            }
            if (conns.length >= maxPerUser) {
                return conns;
            }
            ClientConnection[] more = Arrays.copyOf(conns, conns.length + 1);
            more[conns.length] = c;
            byId.put(c.id, c);
            added[0] = true;
            return more;
        });
        return added[0];
    }

    /** Removes a connection; true if it was here (so exactly one caller unregisters it). */
    boolean remove(ClientConnection c) {
        if (!byId.remove(c.id, c)) {
            return false;
        }
        byUser.computeIfPresent(c.userId, (user, conns) -> {
            int at = -1;
            for (int i = 0; i < conns.length; i++) {
                if (conns[i] == c) {
                    at = i;
                }
            }
            if (at < 0) {
                return conns;
            }
            if (conns.length == 1) {
                return null;
            }
            ClientConnection[] fewer = new ClientConnection[conns.length - 1];
            System.arraycopy(conns, 0, fewer, 0, at);
            System.arraycopy(conns, at + 1, fewer, at, conns.length - at - 1);
            return fewer;
        });
        return true;
    }

    boolean contains(ClientConnection c) {
        return byId.get(c.id) == c;
    }

    /** The user's connections here at this moment (empty when none). */
    Collection<ClientConnection> ofUser(long userId) {
        ClientConnection[] conns = byUser.get(userId);
        return conns == null ? List.of() : Arrays.asList(conns);
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
