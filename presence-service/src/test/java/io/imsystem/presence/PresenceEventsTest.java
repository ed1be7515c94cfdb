package io.imsystem.presence;

import static io.imsystem.presence.TestSupport.deleteAllTestKeys;
import static io.imsystem.presence.TestSupport.event;
import static io.imsystem.presence.TestSupport.eventually;
import static io.imsystem.presence.TestSupport.heartbeat;
import static io.imsystem.presence.TestSupport.newConnId;
import static io.imsystem.presence.TestSupport.newGatewayId;
import static io.imsystem.presence.TestSupport.newUserId;
import static io.imsystem.presence.TestSupport.register;
import static io.imsystem.presence.TestSupport.sleep;
import static io.imsystem.presence.TestSupport.unregister;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.redis.Keys;
import io.imsystem.common.redis.StreamFields;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer of im:presence:events and the sweeper, against the real Redis (test TTL 3 s, sweep every 1 s). */
@QuarkusTest
class PresenceEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** TTL + sweep interval + slack. */
    private static final Duration EXPIRY = Duration.ofSeconds(8);

    @Inject
    RedisDataSource redis;

    @Inject
    Keys keys;

    private Map<String, String> route(long user) {
        return redis.hash(String.class).hgetall(keys.route(user));
    }

    private String status(long user) {
        return redis.hash(String.class).hget(keys.presence(user), "status");
    }

    private boolean inOnlineSet(long user) {
        return redis.sortedSet(String.class).zscore(keys.online(), String.valueOf(user)).isPresent();
    }

    @Test
    void heartbeatsKeepAConnectionAlivePastTheTtlAndSilenceExpiresIt() {
        long user = newUserId();
        String conn = newConnId();
        String gw = newGatewayId();
        register(conn, user, gw).body("data.devices", equalTo(1));

        // 5 s of heartbeats, every second: longer than the 3 s TTL.
        for (int i = 0; i < 5; i++) {
            sleep(1000);
            heartbeat(redis, keys, gw, conn + ":" + user);
        }
        // Entries are handled in order: once a marker entry is seen, the last heartbeat was handled too.
        long marker = newUserId();
        String markerConn = newConnId();
        heartbeat(redis, keys, gw, markerConn + ":" + marker);
        eventually(WAIT, () -> assertEquals(Map.of(markerConn, gw), route(marker)));
        assertEquals(Map.of(conn, gw), route(user));
        assertEquals("online", status(user));
        String lastSeenWhileOnline = redis.hash(String.class).hget(keys.presence(user), "last_seen");

        // Then the gateway falls silent without a word: the connection and its route expire.
        eventually(EXPIRY, () -> {
            assertEquals(Map.of(), route(user));
            assertEquals("offline", status(user));
        });
        assertTrue(!inOnlineSet(user));
        assertEquals(lastSeenWhileOnline, redis.hash(String.class).hget(keys.presence(user), "last_seen"),
                "last_seen stays the last heartbeat");
    }

    @Test
    void aConnectionWithoutHeartbeatExpiresWhileAHeartbeatingOneOfTheSameUserStays() {
        long user = newUserId();
        String silent = newConnId();
        String alive = newConnId();
        String deadGw = newGatewayId();
        String liveGw = newGatewayId();
        register(silent, user, deadGw);
        register(alive, user, liveGw).body("data.devices", equalTo(2));

        long deadline = System.currentTimeMillis() + EXPIRY.toMillis();
        while (route(user).containsKey(silent) && System.currentTimeMillis() < deadline) {
            heartbeat(redis, keys, liveGw, alive + ":" + user);
            sleep(700);
        }
        assertEquals(Map.of(alive, liveGw), route(user), "the dead gateway's route is gone, the live one stays");
        assertEquals("online", status(user));
        assertEquals("1", redis.hash(String.class).hget(keys.presence(user), "devices"));
    }

    @Test
    void gatewayDownDropsAllItsConnectionsAndNoOther() {
        long alice = newUserId();
        long bob = newUserId();
        String gwDown = newGatewayId();
        String gwUp = newGatewayId();
        String aliceOnDown = newConnId();
        String aliceOnUp = newConnId();
        String bobOnDown = newConnId();
        register(aliceOnDown, alice, gwDown);
        register(aliceOnUp, alice, gwUp);
        register(bobOnDown, bob, gwDown);

        event(redis, keys, Map.of(StreamFields.TYPE, StreamFields.GATEWAY_DOWN, StreamFields.GATEWAY, gwDown));

        eventually(WAIT, () -> {
            assertEquals(Map.of(), route(bob));
            assertEquals("offline", status(bob));
        });
        assertEquals(Map.of(aliceOnUp, gwUp), route(alice));
        assertEquals("online", status(alice));
        assertTrue(!inOnlineSet(bob));
    }

    @Test
    void oneHeartbeatBatchRebuildsPresenceAfterRedisLostEverything() {
        long alice = newUserId();
        long bob = newUserId();
        String gw = newGatewayId();
        String alicePhone = newConnId();
        String aliceLaptop = newConnId();
        String bobPhone = newConnId();
        register(alicePhone, alice, gw);
        register(aliceLaptop, alice, gw);
        register(bobPhone, bob, gw);

        deleteAllTestKeys(redis, keys);
        assertEquals(Map.of(), route(alice));

        heartbeat(redis, keys, gw, alicePhone + ":" + alice + "," + aliceLaptop + ":" + alice + "," + bobPhone + ":" + bob);

        eventually(WAIT, () -> {
            assertEquals(Map.of(alicePhone, gw, aliceLaptop, gw), route(alice));
            assertEquals(Map.of(bobPhone, gw), route(bob));
        });
        assertEquals("online", status(alice));
        assertEquals("2", redis.hash(String.class).hget(keys.presence(alice), "devices"));
        assertTrue(inOnlineSet(alice) && inOnlineSet(bob));
        // The rebuilt connections are tracked again: closing one works as before.
        unregister(alicePhone).body("data.devices", equalTo(1));
        unregister(aliceLaptop).body("data.devices", equalTo(0));
        assertEquals("offline", status(alice));
    }

    @Test
    void aHeartbeatBatchIsPartialAndDropsNothingItDoesNotList() {
        long user = newUserId();
        long marker = newUserId();
        String gw = newGatewayId();
        String first = newConnId();
        String second = newConnId();
        String markerConn = newConnId();
        register(first, user, gw);
        register(second, user, gw);

        // A gateway with many sockets lists them over several entries: one entry names only some.
        heartbeat(redis, keys, gw, first + ":" + user + "," + markerConn + ":" + marker);

        eventually(WAIT, () -> assertEquals(Map.of(markerConn, gw), route(marker)));
        assertEquals(Map.of(first, gw, second, gw), route(user));
        assertEquals("2", redis.hash(String.class).hget(keys.presence(user), "devices"));
    }

    @Test
    void aLateHeartbeatDoesNotReviveAClosedConnection() {
        long user = newUserId();
        long other = newUserId();
        String gw = newGatewayId();
        String closed = newConnId();
        String marker = newConnId();
        register(closed, user, gw);
        unregister(closed).body("data.devices", equalTo(0));

        // The batch was built before the close; the marker connection shows when it was processed.
        heartbeat(redis, keys, gw, closed + ":" + user + "," + marker + ":" + other);

        eventually(WAIT, () -> assertEquals(Map.of(marker, gw), route(other)));
        assertEquals(Map.of(), route(user));
        assertEquals("offline", status(user));
    }

    @Test
    void loginMarksOnlineWithoutASocketAndLogoutTakesOffline() {
        long user = newUserId();
        event(redis, keys, Map.of(StreamFields.TYPE, "login", StreamFields.USER, String.valueOf(user)));
        eventually(WAIT, () -> assertEquals("online", status(user)));
        assertTrue(inOnlineSet(user));
        assertEquals("0", redis.hash(String.class).hget(keys.presence(user), "devices"));

        event(redis, keys, Map.of(StreamFields.TYPE, "logout", StreamFields.USER, String.valueOf(user)));
        eventually(WAIT, () -> assertEquals("offline", status(user)));
        assertTrue(!inOnlineSet(user));
        assertNotNull(redis.hash(String.class).hget(keys.presence(user), "last_seen"));
    }

    @Test
    void aLoginWithoutSocketEndsAfterTheTtl() {
        long user = newUserId();
        event(redis, keys, Map.of(StreamFields.TYPE, "login", StreamFields.USER, String.valueOf(user)));
        eventually(WAIT, () -> assertEquals("online", status(user)));
        eventually(EXPIRY, () -> assertEquals("offline", status(user)));
        assertTrue(!inOnlineSet(user));
    }

    @Test
    void logoutKeepsTheUserOnlineWhileAConnectionRemains() {
        long user = newUserId();
        long other = newUserId();
        String gw = newGatewayId();
        String conn = newConnId();
        register(conn, user, gw);

        event(redis, keys, Map.of(StreamFields.TYPE, "logout", StreamFields.USER, String.valueOf(user)));
        // A later event shows when the logout was processed.
        event(redis, keys, Map.of(StreamFields.TYPE, "login", StreamFields.USER, String.valueOf(other)));
        eventually(WAIT, () -> assertEquals("online", status(other)));
        assertEquals("online", status(user));

        unregister(conn).body("data.devices", equalTo(0));
        assertEquals("offline", status(user));
    }

    @Test
    void everyEventIsAcknowledgedOnceDone() {
        long user = newUserId();
        event(redis, keys, Map.of(StreamFields.TYPE, "login", StreamFields.USER, String.valueOf(user)));
        event(redis, keys, Map.of(StreamFields.TYPE, "nonsense"));
        event(redis, keys, Map.of(StreamFields.TYPE, "login", StreamFields.USER, "not-a-number"));
        eventually(WAIT, () -> assertEquals(0L,
                redis.stream(String.class).xpending(keys.presenceEvents(), "presence").getPendingCount()));
        assertEquals("online", status(user));
    }

    @Test
    void anEntryLeftPendingByACrashedConsumerIsClaimedAndDone() {
        long user = newUserId();
        // Another replica reads the entry and dies before acknowledging it (atomically, so that our own
        // consumer cannot read it first).
        redis.withTransaction(tx -> {
            tx.stream(String.class).xadd(keys.presenceEvents(),
                    Map.of(StreamFields.TYPE, "login", StreamFields.USER, String.valueOf(user)));
            tx.stream(String.class).xreadgroup("presence", "crashed-replica", keys.presenceEvents(), ">",
                    new io.quarkus.redis.datasource.stream.XReadGroupArgs().count(1));
        });
        assertEquals(null, status(user));

        // Claimed once idle for claim-min-idle (1 s in tests), then done and acknowledged.
        eventually(WAIT, () -> assertEquals("online", status(user)));
        eventually(WAIT, () -> assertEquals(0L,
                redis.stream(String.class).xpending(keys.presenceEvents(), "presence").getPendingCount()));
    }

    @Test
    void aRouteLeftWithoutItsConnectionByAPartialDataLossIsSweptAway() {
        long user = newUserId();
        // What a partial loss can leave: a route and an online entry, but no liveness for the connection.
        redis.hash(String.class).hset(keys.route(user), newConnId(), newGatewayId());
        redis.sortedSet(String.class).zadd(keys.online(), System.currentTimeMillis(), String.valueOf(user));
        redis.hash(String.class).hset(keys.presence(user), Map.of("status", "online", "devices", "1"));

        eventually(EXPIRY, () -> {
            assertEquals(Map.of(), route(user));
            assertEquals("offline", status(user));
        });
        assertTrue(!inOnlineSet(user));
    }

    @Test
    void aLargeHeartbeatBatchRestoresEveryConnection() {
        String gw = newGatewayId();
        Map<String, Long> conns = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 450; i++) {
            conns.put(newConnId(), newUserId());
        }
        heartbeat(redis, keys, gw, conns.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(java.util.stream.Collectors.joining(",")));

        eventually(WAIT, () -> assertEquals(450L, redis.set(String.class).scard(keys.of("im:conn:gw:" + gw))));
        conns.forEach((conn, user) -> {
            assertEquals(Map.of(conn, gw), route(user));
            assertEquals("online", status(user));
        });
        event(redis, keys, Map.of(StreamFields.TYPE, StreamFields.GATEWAY_DOWN, StreamFields.GATEWAY, gw));
        eventually(WAIT, () -> assertEquals(0L, redis.set(String.class).scard(keys.of("im:conn:gw:" + gw))));
        conns.forEach((conn, user) -> assertEquals("offline", status(user)));
    }
}
