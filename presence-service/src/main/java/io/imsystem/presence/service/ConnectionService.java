package io.imsystem.presence.service;

import io.imsystem.common.api.ApiException;
import io.imsystem.presence.config.PresenceConfig;
import io.imsystem.presence.service.PresenceStore.Drop;
import io.imsystem.presence.service.PresenceStore.Owner;
import io.imsystem.presence.service.PresenceStore.Touch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The write side of presence: connections registered and closed by gateways, heartbeat batches,
 * gateway shutdowns, logins and logouts, and the sweep of connections whose gateway fell silent.
 */
@ApplicationScoped
public class ConnectionService {

    private static final Logger LOG = Logger.getLogger(ConnectionService.class);
    /** Connection and gateway ids travel in comma- and colon-separated stream fields: no separators in them. */
    public static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final PresenceStore store;
    private final PresenceNotifier notifier;
    private final PresenceConfig config;

    public ConnectionService(PresenceStore store, PresenceNotifier notifier, PresenceConfig config) {
        this.store = store;
        this.notifier = notifier;
        this.config = config;
    }

    /** A gateway opened a connection of this user: route it and mark the user online. Returns the user's devices. */
    public long registerConnection(String connId, long userId, String gatewayId) {
        Touch touch = store.touch(connId, userId, gatewayId, now());
        if (touch.refused()) {
            LOG.debugf("connection %s was already closed; register ignored", connId);
        }
        if (touch.cameOnline()) {
            notifier.changed(userId);
        }
        return touch.devices();
    }

    /**
     * A gateway closed a connection of {@code userId} (idempotent). Returns the devices its user still has, 0
     * for an unknown id; 403, nothing closed, when the connection is another user's.
     */
    public long unregisterConnection(String connId, long userId) {
        if (connId == null || !SAFE_ID.matcher(connId).matches()) {
            return 0; // no connection was ever registered under such an id
        }
        long now = now();
        Owner owner = store.owner(connId).orElse(null);
        if (owner == null) {
            store.rememberClosed(connId, now);
            return 0;
        }
        if (owner.userId() != userId) {
            throw ApiException.forbidden("connection " + connId + " is another user's");
        }
        return drop(connId, owner, now, now, null, true).devices();
    }

    /**
     * A heartbeat batch lists some of a gateway's open connections (a gateway sends up to 1000 per
     * entry): refresh them and rebuild whatever Redis lost. A connection no batch lists any more
     * expires with the TTL.
     */
    public void heartbeat(String gatewayId, String conns, long sentAtMillis) {
        long now = now();
        // The gateway vouched for its connections when it sent the batch, not when we read it (a batch
        // read late, or claimed from a crashed replica, must not extend their life).
        long vouchedAt = Math.min(sentAtMillis, now);
        Map<String, Long> listed = parseConnections(gatewayId, conns);
        List<PresenceStore.Connection> batch = listed.entrySet().stream()
                .map(e -> new PresenceStore.Connection(e.getKey(), e.getValue())).toList();
        List<Touch> touches = store.touchAll(gatewayId, batch, vouchedAt);
        int rebuilt = 0;
        for (int i = 0; i < batch.size(); i++) {
            Touch touch = touches.get(i);
            if (touch.created() && !touch.refused()) {
                rebuilt++;
            }
            if (touch.cameOnline()) {
                notifier.changed(batch.get(i).userId());
            }
        }
        if (rebuilt > 0) {
            LOG.infof("heartbeat of gateway %s restored %d connection(s)", gatewayId, rebuilt);
        }
    }

    /** A gateway is stopping: all its connections and routes go. */
    public void gatewayDown(String gatewayId) {
        long now = now();
        Set<String> conns = store.gatewayConnections(gatewayId);
        dropAll(List.copyOf(conns), gatewayId, now, now, null, true);
        LOG.infof("gateway %s is down: dropped %d connection(s)", gatewayId, conns.size());
    }

    /** A user logged in or registered: online from now, socket or not. */
    public void login(long userId) {
        if (store.login(userId, now())) {
            notifier.changed(userId);
        }
    }

    /** A user logged out: offline unless a connection remains (the gateway closes those sockets next). */
    public void logout(long userId) {
        long now = now();
        if (store.offline(userId, now, now, null)) {
            notifier.changed(userId);
        }
    }

    /**
     * Removes connections silent for longer than the TTL (their gateway died without saying so)
     * with their routes, and takes offline users with no connection whose last activity is that old.
     */
    public void sweep() {
        long now = now();
        long staleBefore = now - config.ttl().toMillis();
        List<String> stale = store.staleConnections(staleBefore, config.sweepBatch());
        if (!stale.isEmpty()) {
            int dropped = dropAll(stale, null, now, null, staleBefore, false);
            LOG.infof("expired %d connection(s) silent for more than %s", dropped, config.ttl());
        }
        for (long userId : store.staleUsers(staleBefore, config.sweepBatch())) {
            if (store.offline(userId, now, null, staleBefore)) {
                notifier.changed(userId);
            }
        }
        store.trimClosed(now - config.closedMemory().toMillis());
    }

    private int dropAll(List<String> connIds, String gatewayId, long now, Long lastSeen, Long staleBefore, boolean closed) {
        int dropped = 0;
        for (Map.Entry<String, Owner> e : store.owners(connIds).entrySet()) {
            if (e.getValue() == null) {
                store.forget(e.getKey(), gatewayId);
                continue;
            }
            if (drop(e.getKey(), e.getValue(), now, lastSeen, staleBefore, closed).removed()) {
                dropped++;
            }
        }
        return dropped;
    }

    private Drop drop(String connId, Owner owner, long now, Long lastSeen, Long staleBefore, boolean closed) {
        Drop drop = store.drop(connId, owner, now, lastSeen, staleBefore, closed);
        if (drop.wentOffline()) {
            notifier.changed(owner.userId());
        }
        return drop;
    }

    private static Map<String, Long> parseConnections(String gatewayId, String conns) {
        Map<String, Long> result = new LinkedHashMap<>();
        if (conns == null || conns.isBlank()) {
            return result;
        }
        for (String pair : conns.split(",")) {
            int colon = pair.lastIndexOf(':');
            String connId = colon < 0 ? "" : pair.substring(0, colon).trim();
            try {
                long userId = Long.parseLong(pair.substring(colon + 1).trim());
                if (SAFE_ID.matcher(connId).matches() && userId > 0) {
                    result.put(connId, userId);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            LOG.warnf("heartbeat of gateway %s: ignoring malformed entry '%s'", gatewayId, pair);
        }
        return result;
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
