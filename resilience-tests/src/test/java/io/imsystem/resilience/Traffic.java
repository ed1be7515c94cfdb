package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Users chatting while a fault happens, and the final check: every send is recorded with its
 * outcome (200/ack with a message id, an error, or no answer at all); afterwards the sends that did
 * not succeed are retried with the same client_msg_id (as a client would), every device resyncs
 * (reconnects with since_seq), and then every message must be stored exactly once and be on every
 * device of its receiver, never twice on one connection.
 */
final class Traffic {

    enum Via { REST, WS }

    /** One send and what became of it. */
    static final class Send {
        final String clientMsgId;
        final Api.User from;
        final Api.User to;
        final String content;
        final Via via;
        final long startedNanos = System.nanoTime();
        volatile long tookMillis;
        /** 200 or the WS ack: the id. 0 otherwise. */
        volatile long ackedId;
        /** HTTP status or error-frame code of a failed first attempt; -1 = no answer. */
        volatile int errorStatus;
        volatile String errorCode = "";
        volatile boolean retried;

        Send(Api.User from, Api.User to, String padding, Via via) {
            this.clientMsgId = "r-" + UUID.randomUUID();
            this.from = from;
            this.to = to;
            this.content = "msg " + clientMsgId + padding;
            this.via = via;
        }
    }

    /** The counts of one run, for the reliability table. */
    record Tally(String name, int sent, int ackedFirstTry, int errors, int noAnswer, Map<String, Integer> errorKinds,
            int errorButStored, int stored, int expectedDeliveries, int delivered, int lost, int duplicated,
            int redeliveredOnLaterConnection, long maxSendMillis) {

        String line() {
            return String.format("%s: sent=%d acked=%d errors=%d %s no-answer=%d error-but-stored=%d stored=%d "
                    + "delivered=%d/%d lost=%d duplicated=%d redelivered-on-a-later-connection=%d slowest-send=%dms",
                    name, sent, ackedFirstTry, errors, errorKinds, noAnswer, errorButStored, stored, delivered,
                    expectedDeliveries, lost, duplicated, redeliveredOnLaterConnection, maxSendMillis);
        }
    }

    final Cluster cluster;
    final List<Api.User> users;
    final List<Device> devices = new ArrayList<>();
    final Map<Long, List<Device>> devicesOf = new HashMap<>();
    final Collection<Send> sends = new ConcurrentLinkedQueue<>();
    final AtomicInteger acked = new AtomicInteger();
    /** Where REST sends go. */
    volatile Supplier<String> restGateway;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> senders = new ArrayList<>();
    private final String padding;

    Traffic(Cluster cluster, List<Api.User> users, String padding) {
        this.cluster = cluster;
        this.users = users;
        this.padding = padding;
        this.restGateway = () -> cluster.gatewayB;
    }

    /** Gives each user {@code perUser} devices, connected to the gateways in turn, reconnecting to {@code reconnectTo}. */
    Traffic withDevices(int perUser, List<String> gateways, Supplier<String> reconnectTo) throws Exception {
        int i = 0;
        Map<Device, String> where = new java.util.LinkedHashMap<>();
        for (Api.User u : users) {
            for (int d = 0; d < perUser; d++) {
                Device device = new Device(cluster, u);
                device.reconnectTo = reconnectTo;
                where.put(device, gateways.get(i++ % gateways.size()));
                devices.add(device);
                devicesOf.computeIfAbsent(u.id(), k -> new ArrayList<>()).add(device);
            }
        }
        Api.parallel(where.keySet(), 16, d -> d.connectRetrying(() -> where.get(d), true, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
        awaitConnected();
        return this;
    }

    /** Waits until presence lists every user's open devices, i.e. deliveries reach them. */
    void awaitConnected() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Api.User u : users) {
            long open = devicesOf.getOrDefault(u.id(), List.of()).stream().filter(Device::isOpen).count();
            while (true) {
                Api.Resp r = Api.call(cluster.url(restGateway.get()), "GET", "/api/v1/users/online/" + u.id(), u.token(), null);
                if (r.status() == 200 && r.data().path("devices").asLong() >= open) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("user " + u.id() + " never had " + open + " connected devices: " + r);
                }
                Api.sleep(50);
            }
        }
    }

    /** Starts {@code threads} senders, each sending one message after another with a pause. */
    void start(int threads, long pauseMillis) {
        running.set(true);
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (running.get()) {
                    Send s = sendOne();
                    // A client backs off a little after a failure instead of hammering.
                    Api.sleep(s.ackedId > 0 ? pauseMillis : 200);
                }
            }, "sender-" + t);
            th.setDaemon(true);
            th.start();
            senders.add(th);
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        senders.clear();
    }

    /** Waits until {@code more} sends beyond now were acknowledged. */
    void awaitAcked(int more, long seconds) {
        int target = acked.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (acked.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acked.get() + " of " + target + " sends acknowledged within " + seconds + " s");
            }
            Api.sleep(50);
        }
    }

    /** Sends from a random user to another, over one of its open sockets or REST. */
    Send sendOne() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Api.User from = users.get(random.nextInt(users.size()));
        Api.User to;
        do {
            to = users.get(random.nextInt(users.size()));
        } while (to.id() == from.id());
        List<Device> mine = devicesOf.getOrDefault(from.id(), List.of()).stream().filter(Device::isOpen).toList();
        Via via = !mine.isEmpty() && random.nextBoolean() ? Via.WS : Via.REST;
        return send(new Send(from, to, padding, via), mine);
    }

    private Send send(Send s, List<Device> mine) {
        sends.add(s);
        if (s.via == Via.WS) {
            Device d = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
            try {
                JsonNode answer = d.sendChat(s.to.id(), s.content, s.clientMsgId).get(30, TimeUnit.SECONDS);
                if ("ack".equals(answer.path("type").asText())) {
                    s.ackedId = answer.path("msg_id").asLong();
                } else {
                    s.errorStatus = answer.path("code").asInt();
                    s.errorCode = answer.path("error").asText();
                }
            } catch (Exception e) {
                s.errorStatus = -1;
                s.errorCode = "socket closed";
            }
        } else {
            Api.Resp r = Api.send(cluster.url(restGateway.get()), s.from, s.to.id(), s.content, s.clientMsgId);
            if (r.status() == 200) {
                s.ackedId = r.data().path("id").asLong();
            } else {
                s.errorStatus = r.status();
                s.errorCode = r.status() == -1 ? "no answer" : r.error();
            }
        }
        s.tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s.startedNanos);
        if (s.ackedId > 0) {
            acked.incrementAndGet();
        }
        return s;
    }

    /** Error statuses of the failed first attempts, e.g. {503=12, -1=3}. */
    Map<String, Integer> errorKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Send s : sends) {
            if (s.ackedId == 0) {
                kinds.merge(s.errorStatus + (s.errorCode.isEmpty() ? "" : " " + s.errorCode), 1, Integer::sum);
            }
        }
        return kinds;
    }

    /**
     * The final check (see the class comment). Returns the counts; fails on any lost or duplicated
     * message.
     */
    Tally verify(String name) throws Exception {
        stop();
        String base = cluster.url(restGateway.get());
        List<Send> all = new ArrayList<>(sends);
        int ackedFirst = (int) all.stream().filter(s -> s.ackedId > 0).count();
        int noAnswer = (int) all.stream().filter(s -> s.ackedId == 0 && s.errorStatus == -1).count();
        Map<String, Integer> kinds = errorKinds();

        // What was stored before any retry: by client_msg_id, from each sender's timeline.
        Map<String, List<JsonNode>> storedBefore = storedByClientMsgId(base);
        int errorButStored = 0;
        for (Send s : all) {
            if (s.ackedId == 0 && storedBefore.containsKey(s.clientMsgId)) {
                errorButStored++;
            }
        }
        // A client retries what failed, with the same client_msg_id: stored once either way.
        Api.parallel(all.stream().filter(s -> s.ackedId == 0).toList(), 8, s -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Api.Resp r = Api.send(base, s.from, s.to.id(), s.content, s.clientMsgId);
                if (r.status() == 200) {
                    long id = r.data().path("id").asLong();
                    List<JsonNode> before = storedBefore.get(s.clientMsgId);
                    if (before != null) {
                        assertEquals(before.get(0).path("id").asLong(), id, "a retry of a stored send answers the first message");
                    }
                    s.retried = true;
                    s.ackedId = id;
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "retry of " + s.clientMsgId + " kept failing: " + r);
                Api.sleep(200);
            }
        });

        Map<String, List<JsonNode>> stored = storedByClientMsgId(base);
        int lost = 0;
        int duplicated = 0;
        List<String> problems = new ArrayList<>();
        for (Send s : all) {
            List<JsonNode> copies = stored.getOrDefault(s.clientMsgId, List.of());
            if (copies.isEmpty()) {
                lost++;
                problems.add("not stored: " + s.clientMsgId + " (acked id " + s.ackedId + ", retried " + s.retried + ")");
            } else if (copies.size() > 1) {
                duplicated += copies.size() - 1;
                problems.add("stored " + copies.size() + " times: " + s.clientMsgId);
            } else if (copies.get(0).path("id").asLong() != s.ackedId) {
                problems.add("acknowledged as " + s.ackedId + " but stored as " + copies.get(0).path("id").asLong());
            }
        }
        // Receivers' timelines hold each message once too.
        Map<Long, Set<Long>> incoming = new HashMap<>();
        for (Api.User u : users) {
            Map<Long, Integer> seen = new HashMap<>();
            for (JsonNode m : Api.timeline(base, u)) {
                if (m.path("receiver_id").asLong() == u.id()) {
                    seen.merge(m.path("id").asLong(), 1, Integer::sum);
                }
            }
            seen.forEach((id, n) -> {
                if (n > 1) {
                    problems.add("message " + id + " " + n + " times in the timeline of user " + u.id());
                }
            });
            incoming.put(u.id(), seen.keySet());
        }
        for (Send s : all) {
            if (!incoming.getOrDefault(s.to.id(), Set.of()).contains(s.ackedId)) {
                lost++;
                problems.add("message " + s.ackedId + " missing from the receiver's timeline");
            }
        }

        // Every device resyncs as a client would: a new connection with since_seq.
        Supplier<String> live = restGateway;
        for (Device d : devices) {
            d.reconnectTo = null;
        }
        int[] redelivered = {0};
        CountDownLatch reconnected = new CountDownLatch(devices.size());
        for (Device d : devices) {
            Device.WORKERS.execute(() -> {
                try {
                    d.disconnect();
                    d.connectRetrying(live, true, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
                } finally {
                    reconnected.countDown();
                }
            });
        }
        assertTrue(reconnected.await(90, TimeUnit.SECONDS), "devices did not reconnect for the resync");
        int expectedDeliveries = 0;
        int delivered = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Device d : devices) {
            Set<Long> expected = all.stream().filter(s -> s.to.id() == d.user.id()).map(s -> s.ackedId).collect(Collectors.toSet());
            while (!d.received.containsAll(expected) && System.nanoTime() < deadline) {
                Api.sleep(50);
            }
            expectedDeliveries += expected.size();
            for (long id : expected) {
                if (d.received.contains(id)) {
                    delivered++;
                } else {
                    lost++;
                    problems.add("message " + id + " never reached a device of user " + d.user.id());
                }
            }
        }
        // Let late frames arrive, then count per connection.
        Api.sleep(500);
        for (Device d : devices) {
            Map<Long, Integer> connectionsWith = new HashMap<>();
            synchronized (d.conns) {
                for (Device.Conn c : d.conns) {
                    if (c.duplicates() > 0) {
                        duplicated += c.duplicates();
                        problems.add("a connection of user " + d.user.id() + " got " + c.duplicates() + " message(s) twice: "
                                + c.chats.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());
                    }
                    c.chats.keySet().forEach(id -> connectionsWith.merge(id, 1, Integer::sum));
                }
            }
            redelivered[0] += connectionsWith.values().stream().mapToInt(n -> n - 1).sum();
        }
        long slowest = all.stream().mapToLong(s -> s.tookMillis).max().orElse(0);
        Tally tally = new Tally(name, all.size(), ackedFirst, all.size() - ackedFirst - noAnswer, noAnswer, kinds, errorButStored,
                (int) all.stream().filter(s -> stored.containsKey(s.clientMsgId)).count(), expectedDeliveries, delivered, lost,
                duplicated, redelivered[0], slowest);
        Cluster.report(tally.line());
        assertTrue(problems.isEmpty(), name + ": " + problems.size() + " problem(s): "
                + problems.subList(0, Math.min(20, problems.size())));
        return tally;
    }

    /** Every stored message of these users that carries one of our client_msg_ids, by it (from the senders' timelines). */
    private Map<String, List<JsonNode>> storedByClientMsgId(String base) {
        Map<String, List<JsonNode>> out = new ConcurrentHashMap<>();
        Api.parallel(users, 8, u -> {
            for (JsonNode m : Api.timeline(base, u)) {
                if (m.path("sender_id").asLong() == u.id() && m.hasNonNull("client_msg_id")) {
                    out.computeIfAbsent(m.path("client_msg_id").asText(), k -> new ArrayList<>()).add(m);
                }
            }
        });
        return out;
    }

    void closeAll() {
        for (Device d : devices) {
            d.reconnectTo = null;
            d.disconnect();
        }
    }
}
