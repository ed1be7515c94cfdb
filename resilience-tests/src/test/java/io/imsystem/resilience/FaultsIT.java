package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults with traffic flowing, each ending with the check of {@link Traffic#verify}: every message
 * stored exactly once and on every device of its receiver, never twice on one connection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    static Cluster cluster;
    Traffic traffic;

    @BeforeAll
    static void start() {
        cluster = Cluster.get();
    }

    @AfterEach
    void heal() throws Exception {
        if (traffic != null) {
            traffic.stop();
            traffic.closeAll();
        }
        cluster.heal();
    }

    @Test
    @Order(1)
    void gatewayKilledWithClientsConnectedTheyReconnectToTheOtherAndNothingIsLost() throws Exception {
        String a = cluster.gatewayA;
        String b = cluster.gatewayB;
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(b), "gk", 10), "");
        traffic.restGateway = () -> b;
        traffic.withDevices(2, List.of(a, b), () -> b);
        traffic.start(6, 10);
        traffic.awaitAcked(60, 30);
        long onA = traffic.devices.stream().filter(d -> d.conn.gateway.equals(a)).count();

        cluster.launcher.kill(a);
        awaitDevices(d -> d.isOpen() && d.conn.gateway.equals(b), 60);
        traffic.awaitAcked(60, 30);

        Traffic.Tally tally = traffic.verify("kill -9 gateway");
        int reconnects = traffic.devices.stream().mapToInt(d -> d.reconnects.get()).sum();
        Cluster.report("kill -9 gateway: " + onA + " sockets dropped, " + reconnects + " reconnected to the second gateway");
        assertTrue(reconnects >= onA);
        assertEquals(0, tally.lost());
    }

    @Test
    @Order(2)
    void messageServiceKilledMidStreamSendsFailClearlyAndAcknowledgedOnesAreNeverLost() throws Exception {
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(cluster.gatewayB), "mk", 10), "");
        traffic.withDevices(2, List.of(cluster.gatewayA, cluster.gatewayB), () -> cluster.gatewayB);
        traffic.start(6, 10);
        traffic.awaitAcked(60, 30);

        cluster.launcher.kill("message-service");
        int before = traffic.sends.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (traffic.sends.stream().skip(before).filter(s -> s.ackedId == 0 && s.tookMillis > 0).count() < 20
                && System.nanoTime() < deadline) {
            Api.sleep(50);
        }
        cluster.restart("message-service");
        traffic.awaitAcked(60, 60);

        Traffic.Tally tally = traffic.verify("kill -9 message-service");
        assertTrue(tally.errors() + tally.noAnswer() > 0, "sends during the gap failed: " + tally.line());
        assertOnly503(tally);
    }

    @Test
    @Order(3)
    void presenceKilledMessagesStillFlowOnOpenSocketsNewOnesAreToldToRetryAndItRecovers() throws Exception {
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(cluster.gatewayB), "pk", 10), "");
        traffic.withDevices(2, List.of(cluster.gatewayA, cluster.gatewayB), () -> cluster.gatewayB);
        traffic.start(6, 10);
        traffic.awaitAcked(60, 30);

        cluster.launcher.kill("presence-service");
        // Routes live in Redis: open sockets keep getting messages while presence is down.
        traffic.awaitAcked(60, 30);
        // A new socket cannot be registered: the gateway tells it to come back later.
        Api.User late = Api.register(cluster.url(cluster.gatewayB), "pk");
        int code;
        try (io.imsystem.common.testing.WsTestClient socket = io.imsystem.common.testing.WsTestClient.open(
                cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + late.token()))) {
            code = socket.awaitClose();
        }
        cluster.restart("presence-service");
        traffic.awaitAcked(60, 60);

        Traffic.Tally tally = traffic.verify("kill -9 presence-service");
        Cluster.report("kill -9 presence-service: a socket opened while it was down was closed with " + code);
        assertEquals(1013, code, "a socket that cannot be registered is told to try again later");
        assertOnly503(tally);
    }

    @Test
    @Order(4)
    void redisRestartedEmptyRoutesAndPresenceRebuildAndMessagesStillArrive() throws Exception {
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(cluster.gatewayB), "rr", 10), "");
        traffic.withDevices(2, List.of(cluster.gatewayA, cluster.gatewayB), () -> cluster.gatewayB);
        traffic.start(6, 10);
        traffic.awaitAcked(60, 30);

        cluster.redis.kill();
        cluster.redis.start();
        traffic.awaitAcked(60, 60);
        // Routes and presence come back from the gateways' heartbeats.
        traffic.awaitConnected();

        Traffic.Tally tally = traffic.verify("Redis restarted empty");
        assertNoHang(tally);
        assertOnly503(tally);
    }

    @Test
    @Order(5)
    void mysqlUnreachableForSecondsSendsGet503AndTheSystemRecoversByItself() throws Exception {
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(cluster.gatewayB), "db", 10), "");
        traffic.withDevices(2, List.of(cluster.gatewayA, cluster.gatewayB), () -> cluster.gatewayB);
        traffic.start(6, 10);
        traffic.awaitAcked(60, 30);

        cluster.db.down();
        int before = traffic.sends.size();
        Api.sleep(5000); // the outage itself
        int during = traffic.sends.size() - before;
        cluster.db.up();
        traffic.awaitAcked(60, 60);

        Traffic.Tally tally = traffic.verify("MySQL unreachable 5 s");
        Cluster.report("MySQL unreachable 5 s: " + during + " sends started during the outage");
        assertTrue(tally.errors() + tally.noAnswer() > 0, "sends during the outage failed: " + tally.line());
        assertNoHang(tally);
        assertOnly503(tally);
    }

    @Test
    @Order(6)
    void reconnectStormAfterAGatewayRestartAllGetInAndNoneGetsAMessageTwice() throws Exception {
        String a = cluster.gatewayA;
        traffic = new Traffic(cluster, Api.registerAll(cluster.url(cluster.gatewayB), "st", 50), "");
        phase("Traffic");
        traffic.withDevices(10, List.of(a), null);
        phase("traffic.withDevices");
        traffic.start(4, 10);
        traffic.awaitAcked(100, 60);
        phase("traffic.awaitAcked");
        cluster.launcher.kill(a);
        // Messages sent while the gateway is down wait in the offline queue.
        traffic.awaitAcked(100, 60);
        phase("traffic.awaitAcked");
        traffic.stop();
        cluster.restart(a);
        phase("cluster.restart");

        ExecutorService pool = Executors.newFixedThreadPool(100);
        long started = System.nanoTime();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Device d : traffic.devices) {
            all.add(CompletableFuture.runAsync(() -> d.connectRetrying(() -> a, true, System.nanoTime() + TimeUnit.SECONDS.toNanos(60)), pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        phase("CompletableFuture.allOf");
        long inMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        pool.shutdown();
        traffic.restGateway = () -> a;
        traffic.awaitConnected();
        phase("traffic.awaitConnected");
        long allConnected = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        Traffic.Tally tally = traffic.verify("reconnect storm");
        phase("traffic.verify");
        Cluster.report("reconnect storm: " + traffic.devices.size() + " sockets reconnected at once to the restarted gateway: "
                + "all handshakes done in " + inMillis + " ms, all registered with presence in " + allConnected + " ms");
        assertEquals(0, tally.duplicated());
    }

    // ---- the defects these faults found, each on its own ------------------------------------

    @Test
    @Order(7)
    void aSendWhileTheDatabaseIsUnreachableIsRefusedWith503() throws Exception {
        String base = cluster.url(cluster.gatewayB);
        Api.User alice = Api.register(base, "d5");
        Api.User bob = Api.register(base, "d5");
        assertEquals(200, Api.send(base, alice, bob.id(), "before", "d5-" + UUID.randomUUID()).status());
        cluster.db.down();
        try {
            for (int i = 0; i < 3; i++) {
                Api.Resp r = Api.send(base, alice, bob.id(), "during " + i, "d5-" + UUID.randomUUID());
                Cluster.report("database unreachable: a send answered " + r.status() + " " + r.error());
                assertEquals(503, r.status(), "a send while MySQL is unreachable: " + r);
                assertEquals("UNAVAILABLE", r.error());
                assertTrue(r.raw().headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
            }
        } finally {
            cluster.db.up();
        }
    }

    @Test
    @Order(8)
    void requestsRightAfterTheDatabaseIsBackSucceed() throws Exception {
        String base = cluster.url(cluster.gatewayB);
        List<Api.User> users = Api.registerAll(base, "d6", 4);
        List<String> paths = List.of("/api/v1/users/profile", "/api/v1/messages/unread/count");
        // Every pool has working connections first.
        for (int round = 0, clean = 0; clean < 3; round++) {
            assertTrue(round < 100, "the services never answered cleanly");
            boolean ok = true;
            for (Api.User u : users) {
                for (String path : paths) {
                    ok &= Api.call(base, "GET", path, u.token(), null).status() == 200;
                }
            }
            clean = ok ? clean + 1 : 0;
        }
        // A short cut with no request meanwhile: the pools still hold the dead connections.
        cluster.db.down();
        Api.sleep(500);
        cluster.db.up();
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (int round = 0; round < 6; round++) {
            for (Api.User u : users) {
                for (String path : paths) {
                    Api.Resp r = Api.call(base, "GET", path, u.token(), null);
                    requests++;
                    if (r.status() != 200) {
                        failures.add(path + " -> " + r.status() + " " + r.error());
                    }
                }
            }
        }
        Cluster.report("database back after a 0.5 s cut: " + failures.size() + " of " + requests + " requests failed: " + failures);
        assertTrue(failures.isEmpty(), "requests after the database came back failed: " + failures);
    }

    @Test
    @Order(9)
    void anAuthenticatedRequestWhileRedisIsDownIsRefusedWith503() throws Exception {
        String base = cluster.url(cluster.gatewayB);
        Api.User alice = Api.register(base, "d7");
        cluster.redis.kill();
        try {
            Map<String, String> answers = new java.util.LinkedHashMap<>();
            for (String path : List.of("/api/v1/messages/unread/count", "/api/v1/users/profile", "/api/v1/users/online")) {
                Api.Resp r = Api.call(base, "GET", path, alice.token(), null, java.time.Duration.ofSeconds(30), Map.of());
                answers.put(path, r.status() + " " + r.error());
            }
            Cluster.report("Redis down: authenticated requests answered " + answers);
            for (Map.Entry<String, String> e : answers.entrySet()) {
                assertTrue(e.getValue().startsWith("503"), "while Redis is down, " + e.getKey() + " answered " + e.getValue());
            }
        } finally {
            cluster.redis.start();
        }
    }

    private long phaseStart = System.nanoTime();

    /** Prints how long the step since the previous one took (the run-time budget is tight). */
    private void phase(String name) {
        long now = System.nanoTime();
        System.out.println("[phase] " + name + " " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(now - phaseStart) + " ms");
        phaseStart = now;
    }

    static void assertOnly503(Traffic.Tally tally) {
        for (Map.Entry<String, Integer> kind : tally.errorKinds().entrySet()) {
            String status = kind.getKey().split(" ")[0];
            assertTrue(status.equals("503") || status.equals("-1"),
                    "failed sends are refused with 503 (or the connection drops), not " + kind.getKey() + ": " + tally.line());
        }
    }

    static void assertNoHang(Traffic.Tally tally) {
        assertTrue(tally.maxSendMillis() < 25_000, "a send hung: " + tally.line());
    }

    private void awaitDevices(Predicate<Device> condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!traffic.devices.stream().allMatch(condition)) {
            assertTrue(System.nanoTime() < deadline, "devices did not get there within " + seconds + " s");
            Api.sleep(50);
        }
    }
}
