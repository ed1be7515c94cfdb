package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.common.testing.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every rate limit against a flooder, through the gateways, while an ordinary pair of users keeps
 * chatting: the flooder gets 429 RATE_LIMITED (an error frame over WS), the pair no error at all.
 * The services run with small buckets here (restarted with them, and back to the defaults after), so
 * that a flood takes a few dozen calls; the limiter is the same.
 */
class LimitsIT {

    static final Map<String, String> SMALL = new LinkedHashMap<>();

    static {
        SMALL.put("RATE_LIMIT_SEND_BURST", "20");
        SMALL.put("RATE_LIMIT_SEND_PER_MINUTE", "120");
        SMALL.put("RATE_LIMIT_SYNC_BURST", "10");
        SMALL.put("RATE_LIMIT_SYNC_PER_MINUTE", "60");
        SMALL.put("RATE_LIMIT_PRESENCE_BURST", "10");
        SMALL.put("RATE_LIMIT_PRESENCE_PER_MINUTE", "60");
        SMALL.put("RATE_LIMIT_FRIEND_REQUEST_BURST", "5");
        SMALL.put("RATE_LIMIT_FRIEND_REQUEST_PER_MINUTE", "1");
        SMALL.put("RATE_LIMIT_GROUP_CREATE_BURST", "3");
        SMALL.put("RATE_LIMIT_GROUP_CREATE_PER_MINUTE", "1");
        SMALL.put("RATE_LIMIT_GROUP_MEMBERS_BURST", "5");
        SMALL.put("RATE_LIMIT_GROUP_MEMBERS_PER_MINUTE", "1");
        SMALL.put("RATE_LIMIT_REGISTER_BURST", "5");
        SMALL.put("RATE_LIMIT_REGISTER_PER_MINUTE", "1");
        SMALL.put("RATE_LIMIT_LOGIN_BURST", "10");
        SMALL.put("RATE_LIMIT_LOGIN_PER_MINUTE", "1");
    }

    static final List<String> LIMITED = List.of("auth-service", "message-service", "presence-service");

    static Cluster cluster;
    static String a;
    static String b;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.get();
        a = cluster.url(cluster.gatewayA);
        b = cluster.url(cluster.gatewayB);
        cluster.launcher.env().putAll(SMALL);
        restart();
    }

    @AfterAll
    static void back() throws Exception {
        SMALL.keySet().forEach(cluster.launcher.env()::remove);
        restart();
    }

    private static void restart() throws Exception {
        for (String s : LIMITED) {
            cluster.launcher.stop(s, Duration.ofSeconds(20));
            cluster.launcher.start(s);
        }
        for (String s : LIMITED) {
            cluster.launcher.awaitReady(s, Cluster.START);
        }
    }

    /**
     * An ordinary pair chatting while the flood runs: alice sends over REST through gateway B every
     * 700 ms (below the small send bucket's refill), bob receives on a socket of gateway A and acks.
     */
    static final class OrdinaryPair implements AutoCloseable {
        final Api.User alice = Api.register(b, "op");
        final Api.User bob = Api.register(b, "op");
        final WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + bob.token()));
        final List<String> errors = new CopyOnWriteArrayList<>();
        final Set<Long> sent = ConcurrentHashMap.newKeySet();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread sender = new Thread(this::chat, "ordinary-pair");

        OrdinaryPair() {
            sender.setDaemon(true);
            sender.start();
        }

        private void chat() {
            while (running.get()) {
                Api.Resp r = Api.send(b, alice, bob.id(), "ordinary " + UUID.randomUUID(), "op-" + UUID.randomUUID());
                if (r.status() == 200) {
                    sent.add(r.data().path("id").asLong());
                } else {
                    errors.add(r.toString());
                }
                Api.sleep(700);
            }
        }

        /** Stops, then checks that every send succeeded and reached bob's socket. */
        @Override
        public void close() throws Exception {
            running.set(false);
            sender.join(30_000);
            Set<Long> seen = new TreeSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!seen.containsAll(sent) && System.nanoTime() < deadline) {
                JsonNode f = socket.frames.poll(100, TimeUnit.MILLISECONDS);
                if (f != null && "chat".equals(f.path("type").asText())) {
                    seen.add(f.path("msg_id").asLong());
                    socket.send(Map.of("type", "ack", "msg_ids", List.of(f.path("msg_id").asLong())));
                }
            }
            socket.close();
            assertEquals(List.of(), errors, "the ordinary pair got no error");
            assertTrue(sent.size() >= 2, "the pair chatted during the flood: " + sent.size());
            assertTrue(seen.containsAll(sent), "bob got every message: " + sent.size() + " sent, " + seen.size() + " seen");
        }
    }

    private static long count(List<Integer> statuses, int status) {
        return statuses.stream().filter(s -> s == status).count();
    }

    @Test
    void aRestSendFloodIsLimitedAndStoresOnlyWhatWasAnswered200() throws Exception {
        try (OrdinaryPair pair = new OrdinaryPair()) {
            Api.User flooder = Api.register(b, "sf");
            Api.User target = Api.register(b, "sf");
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            List<String> retryAfter = Collections.synchronizedList(new ArrayList<>());
            Api.parallel(java.util.stream.IntStream.range(0, 60).boxed().toList(), 8, i -> {
                Api.Resp r = Api.send(a, flooder, target.id(), "flood " + i, "sf-" + i);
                statuses.add(r.status());
                if (r.status() == 429) {
                    assertEquals("RATE_LIMITED", r.error());
                    retryAfter.add(r.raw().headers().firstValue("Retry-After").orElse("missing"));
                    assertEquals("0", r.raw().headers().firstValue("X-RateLimit-Remaining").orElse("missing"));
                } else {
                    assertEquals(200, r.status(), r.toString());
                    assertEquals("20", r.raw().headers().firstValue("X-RateLimit-Limit").orElse("missing"));
                }
            });
            long ok = count(statuses, 200);
            assertTrue(count(statuses, 429) > 0, "flood limited: " + statuses);
            assertTrue(retryAfter.stream().allMatch(v -> Long.parseLong(v) > 0), "Retry-After " + retryAfter);
            assertEquals(ok, Api.timeline(a, flooder).size(), "stored exactly what was answered 200");
            Cluster.report("send flood (REST): 60 sends of one user at once, bucket 20 + 2/s -> " + ok + " x 200, "
                    + count(statuses, 429) + " x 429 RATE_LIMITED with Retry-After; the ordinary pair sent " + pair.sent.size()
                    + " with no error");
        }
    }

    @Test
    void aWebSocketSendFloodGetsErrorFrames429WithRefAndTheSocketsStayOpen() throws Exception {
        try (OrdinaryPair pair = new OrdinaryPair()) {
            Api.User flooder = Api.register(b, "wf");
            Api.User target = Api.register(b, "wf");
            List<WsTestClient> sockets = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                sockets.add(WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + flooder.token())));
            }
            Set<String> ids = new TreeSet<>();
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i < 20; i++) {
                    String id = "wf-" + s + "-" + i;
                    ids.add(id);
                    sockets.get(s).send(Map.of("type", "chat", "to", target.id(), "content", "flood " + id, "client_msg_id", id));
                }
            }
            int acks = 0;
            int limited = 0;
            Set<String> answered = new TreeSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.size() < ids.size() && System.nanoTime() < deadline) {
                for (WsTestClient socket : sockets) {
                    JsonNode f = socket.frames.poll(20, TimeUnit.MILLISECONDS);
                    if (f == null) {
                        continue;
                    }
                    if ("ack".equals(f.path("type").asText())) {
                        acks++;
                        answered.add(f.path("client_msg_id").asText());
                    } else if ("error".equals(f.path("type").asText())) {
                        assertEquals(429, f.path("code").asInt(), f.toString());
                        assertEquals("RATE_LIMITED", f.path("error").asText(), f.toString());
                        assertTrue(ids.contains(f.path("ref").asText()), "error frame names the frame: " + f);
                        limited++;
                        answered.add(f.path("ref").asText());
                    }
                }
            }
            assertEquals(ids, answered, "every frame answered, with an ack or an error frame");
            assertTrue(limited > 0, "flood limited: " + acks + " acks");
            for (WsTestClient socket : sockets) {
                socket.send(Map.of("type", "heartbeat"));
                socket.next("heartbeat_ack");
                socket.close();
            }
            Cluster.report("send flood (WS): 60 chat frames of one user at once on 3 sockets -> " + acks + " acks, " + limited
                    + " error frames 429 RATE_LIMITED with ref; sockets stay open; the ordinary pair sent " + pair.sent.size()
                    + " with no error");
        }
    }

    @Test
    void friendRequestGroupSyncAndPresenceFloodsAreLimited() throws Exception {
        try (OrdinaryPair pair = new OrdinaryPair()) {
            Api.User flooder = Api.register(b, "rf");
            List<Api.User> others = Api.registerAll(b, "rf", 8);
            List<Integer> friends = new ArrayList<>();
            for (Api.User o : others) {
                friends.add(Api.call(a, "POST", "/api/v1/friends/request", flooder.token(), Map.of("to_user_id", o.id())).status());
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), friends, "friend requests");
            List<Integer> groups = new ArrayList<>();
            long group = 0;
            for (int i = 0; i < 5; i++) {
                Api.Resp r = Api.call(a, "POST", "/api/v1/groups", flooder.token(), Map.of("name", "g" + i, "member_ids", List.of(others.get(0).id())));
                groups.add(r.status());
                if (r.status() == 200) {
                    group = r.data().path("id").asLong();
                }
            }
            assertEquals(List.of(200, 200, 200, 429, 429), groups, "group creation");
            List<Integer> members = new ArrayList<>();
            for (Api.User o : others) {
                members.add(Api.call(a, "POST", "/api/v1/groups/" + group + "/members", flooder.token(),
                        Map.of("user_ids", List.of(o.id()))).status());
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), members, "member changes");
            List<Integer> syncs = new ArrayList<>();
            List<Integer> presence = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                syncs.add(Api.call(a, "GET", "/api/v1/messages/sync?after_seq=0", flooder.token(), null).status());
                presence.add(Api.call(a, "GET", "/api/v1/presence?ids=" + pair.bob.id(), flooder.token(), null).status());
            }
            assertTrue(count(syncs, 429) >= 3 && count(syncs, 200) >= 10, "sync: " + syncs);
            assertTrue(count(presence, 429) >= 3 && count(presence, 200) >= 10, "presence: " + presence);
            Cluster.report("friend request / group / sync / presence floods of one user: friend requests " + friends
                    + " (bucket 5), group creation " + groups + " (3), member adds " + members + " (5), sync " + count(syncs, 200)
                    + " x 200 then " + count(syncs, 429) + " x 429 (10 + 1/s), presence " + count(presence, 200) + " x 200 then "
                    + count(presence, 429) + " x 429; the ordinary pair sent " + pair.sent.size() + " with no error");
        }
    }

    @Test
    void registerAndLoginFloodsAreLimitedPerClientAddress() throws Exception {
        try (OrdinaryPair pair = new OrdinaryPair()) {
            List<Integer> registers = new ArrayList<>();
            String retryAfter = null;
            for (int i = 0; i < 8; i++) {
                FromAddress.Answer r = FromAddress.post("127.0.0.2", a, "/api/v1/users/register",
                        Map.of("username", "rg" + UUID.randomUUID().toString().substring(0, 8), "password", "flood-password-1"));
                registers.add(r.status());
                if (r.status() == 429) {
                    assertEquals("RATE_LIMITED", r.error());
                    retryAfter = r.header("Retry-After");
                }
            }
            assertEquals(List.of(200, 200, 200, 200, 200, 429, 429, 429), registers, "register from one address");
            assertTrue(Long.parseLong(retryAfter) > 0);
            assertEquals(200, FromAddress.post("127.0.0.3", a, "/api/v1/users/register",
                    Map.of("username", "rg" + UUID.randomUUID().toString().substring(0, 8), "password", "flood-password-1")).status(),
                    "another address registers");
            Api.User owner = Api.register(b, "lg");
            List<Integer> logins = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                logins.add(FromAddress.post("127.0.0.4", a, "/api/v1/users/login",
                        Map.of("usernameOrEmail", owner.name(), "password", owner.password())).status());
            }
            assertEquals(10, count(logins, 200), "logins from one address: " + logins);
            assertEquals(2, count(logins, 429));
            assertEquals(200, FromAddress.post("127.0.0.5", a, "/api/v1/users/login",
                    Map.of("usernameOrEmail", owner.name(), "password", owner.password())).status(), "another address logs in");
            Cluster.report("register / login floods from one client address (127.0.0.2, .4 through the gateway): register "
                    + registers + " (bucket 5), login " + count(logins, 200) + " x 200 then " + count(logins, 429)
                    + " x 429 (10); other addresses unaffected; the ordinary pair sent " + pair.sent.size() + " with no error");
        }
    }

    @Test
    void fiftyParallelWrongPasswordsGetFiveGuessesAndTheOwnerStillLogsIn() throws Exception {
        try (OrdinaryPair pair = new OrdinaryPair()) {
            Api.User owner = Api.register(b, "pw");
            assertEquals(200, FromAddress.post("127.0.0.7", a, "/api/v1/users/login",
                    Map.of("usernameOrEmail", owner.name(), "password", owner.password())).status());
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            Api.parallel(java.util.stream.IntStream.range(0, 50).boxed().toList(), 50, i -> statuses.add(
                    FromAddress.post("127.0.0.6", a, "/api/v1/users/login",
                            Map.of("usernameOrEmail", owner.name(), "password", "wrong-" + i)).status()));
            assertEquals(5, count(statuses, 401), "password checks: " + statuses);
            assertEquals(45, count(statuses, 429));
            assertEquals(200, FromAddress.post("127.0.0.7", a, "/api/v1/users/login",
                    Map.of("usernameOrEmail", owner.name(), "password", owner.password())).status(), "the owner's usual client");
            Cluster.report("failed-login race: 50 wrong passwords at once from one stranger address -> " + count(statuses, 401)
                    + " password checks (401), " + count(statuses, 429) + " x 429; the owner logs in from its own address; "
                    + "the ordinary pair sent " + pair.sent.size() + " with no error");
        }
    }
}
