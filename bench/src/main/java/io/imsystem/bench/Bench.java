package io.imsystem.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every benchmark scenario against the real system on this machine, through the gateway
 * with real WebSocket clients, and writes docs/BENCHMARKS.md. Each result is also given as a ratio
 * to a limit measured in the same run (raw MariaDB inserts of the same rows, raw Redis XADD).
 *
 * <p>Arguments: repository root, report path. Sizes come from system properties (see {@link #main}).
 */
public final class Bench {

    private final Launcher system;
    private final Client api;
    private final HttpClient sockets = HttpClient.newHttpClient();
    private final StringBuilder report = new StringBuilder();

    private Bench(Launcher system) {
        this.system = system;
        this.api = new Client(system.gatewayUrl());
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path out = Path.of(args.length > 1 ? args[1] : "docs/BENCHMARKS.md");
        int pairs = Integer.getInteger("bench.pairs", 20);
        int levelSeconds = Integer.getInteger("bench.levelSeconds", 8);
        int[] levels = Arrays.stream(System.getProperty("bench.levels", "25,50,100,200,400,800").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int idle = Integer.getInteger("bench.idleConnections", 10_000);
        int burst = Integer.getInteger("bench.offlineBurst", 2000);
        int bigGroup = Integer.getInteger("bench.bigGroup", 500);
        int smallGroup = Integer.getInteger("bench.smallGroup", 50);
        // all, or a comma-separated subset of: chat, offline, idle, groups
        Set<String> scenarios = Set.of(System.getProperty("bench.scenarios", "all").split(","));

        Map<String, String> env = new java.util.HashMap<>(Map.of("WS_MAX_FRAMES_PER_SECOND", "100000", "LOG_LEVEL", "WARN"));
        String profile = System.getProperty("bench.jfr");
        if (profile != null) {
            // -Dbench.jfr=DIR: every service records a flight recording into DIR (for profiling the hot path).
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename=" + profile + "/,dumponexit=true");
        }
        Launcher system = new Launcher(root, root.resolve("bench/target/run"), "bench", env);
        Runtime.getRuntime().addShutdownHook(new Thread(system::stopAll));
        system.startAll(Duration.ofSeconds(120));
        Bench bench = new Bench(system);
        try {
            bench.header(pairs, levelSeconds, idle, burst);
            bench.startup();
            double insertLimit = bench.baselines(pairs);
            if (scenarios.contains("all") || scenarios.contains("chat")) {
                bench.oneToOne(pairs, levels, levelSeconds, insertLimit);
            }
            if (scenarios.contains("all") || scenarios.contains("groups")) {
                bench.groups(bigGroup, smallGroup, levelSeconds);
            }
            if (scenarios.contains("all") || scenarios.contains("offline")) {
                bench.offlineBurst(burst);
            }
            if (scenarios.contains("all") || scenarios.contains("idle")) {
                bench.idleConnections(idle);
            }
        } finally {
            system.stopAll();
        }
        Files.writeString(out, bench.report.toString());
        System.out.println("wrote " + out);
    }

    // ---- report ------------------------------------------------------------------------------

    private void line(String s) {
        report.append(s).append('\n');
        System.out.println(s);
    }

    private void header(int pairs, int levelSeconds, int idle, int burst) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        long memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        line("# Benchmarks");
        line("");
        line("Written by `scripts/bench.sh` (the `bench` module) on " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + ".");
        line("Every number below comes from one run on one machine; the machine is shared and noisy, so each");
        line("result is also given as a ratio to a limit measured in the same run. Only loopback traffic.");
        line("What the profile showed and what was changed: [bench/README.md](../bench/README.md).");
        line("");
        line("| machine | |");
        line("| --- | --- |");
        line("| CPU | " + Runtime.getRuntime().availableProcessors() + " × " + cpu + " |");
        line("| memory | " + memKib / 1024 / 1024 + " GiB |");
        line("| Java | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + " |");
        line("| services | 4 JVM processes (fast-jar, prod profile, -Xmx512m), MariaDB and Redis on the same machine, load generator in a 5th JVM |");
        line("| settings | " + pairs + " sender/receiver pairs, " + levelSeconds + " s per load level, " + idle + " idle sockets asked, offline burst of " + burst + " |");
        line("");
    }

    // ---- 4. start-up ---------------------------------------------------------------------------

    private void startup() throws Exception {
        Thread.sleep(5000);
        line("## Start-up (JVM)");
        line("");
        line("Time from process start to the first ready answer of `/q/health/ready`, each service started alone");
        line("(one after the other), and resident memory after 5 s idle. Target: ready in < 2.5 s.");
        line("");
        line("| service | ready after | RSS at idle |");
        line("| --- | ---: | ---: |");
        for (String service : Launcher.SERVICES) {
            line("| " + service + " | " + system.readyMillis().get(service) + " ms | " + system.rssKib(service) / 1024 + " MiB |");
        }
        line("");
    }

    // ---- 5. baselines ------------------------------------------------------------------------

    private double baselines(int threads) throws Exception {
        String jdbc = "jdbc:mysql://" + env("DB_HOST", "localhost") + ":" + env("DB_PORT", "3306") + "/im_message_bench";
        double insert = Baselines.mariadbSendRows(jdbc, env("DB_USERNAME", "im"), env("DB_PASSWORD", ""), threads, Duration.ofSeconds(5));
        double xadd = Baselines.redisXadd(env("REDIS_HOST", "localhost"), Integer.parseInt(env("REDIS_PORT", "6379")),
                system.redisPrefix + "bench:xadd", Duration.ofSeconds(3));
        line("## Limits measured in this run");
        line("");
        line("| limit | rate |");
        line("| --- | ---: |");
        line(String.format("| MariaDB: one send's rows (message, 2 seq bumps, 2 timeline rows) per transaction, %d connections | %.0f tx/s |", threads, insert));
        line(String.format("| Redis: XADD of a chat-sized deliver entry, one connection, one after the other | %.0f /s |", xadd));
        line("");
        return insert;
    }

    // ---- 1. one-to-one chat at increasing load ----------------------------------------------

    private static final class Level {
        final ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
    }

    /** Close codes of the chat scenario's sockets that the server closed. */
    private final Map<Integer, AtomicLong> closes = new ConcurrentHashMap<>();

    /** Levels by the prefix of their client_msg_ids ("L100"), so that a late frame counts for its own level. */
    private final Map<String, Level> byLabel = new ConcurrentHashMap<>();

    private Level levelOf(String clientMsgId) {
        int dash = clientMsgId.indexOf('-');
        return dash < 0 ? null : byLabel.get(clientMsgId.substring(0, dash));
    }

    private void oneToOne(int pairs, int[] levels, int seconds, double insertLimit) throws Exception {
        List<Client.User> senders = new ArrayList<>();
        List<Client.User> receivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            senders.add(api.register());
            receivers.add(api.register());
        }
        List<Sock> out = new ArrayList<>();
        for (Client.User r : receivers) {
            Sock s = new Sock();
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            s.socket = api.connect(sockets, r, f -> {
                if (!"chat".equals(f.path("type").asText())) {
                    return;
                }
                long now = System.nanoTime();
                Level level = levelOf(f.path("client_msg_id").asText(""));
                if (level == null) {
                    return;
                }
                String[] parts = f.path("content").asText().split("\\|");
                if (!seen.add(f.path("msg_id").asLong())) {
                    level.duplicates.incrementAndGet();
                    return;
                }
                s.pendingAcks.add(f.path("msg_id").asLong());
                if (parts.length == 3 && level.received.add(f.path("client_msg_id").asText())) {
                    level.latenciesMicros.add((now - Long.parseLong(parts[2])) / 1000);
                }
            }, code -> closes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet()).join();
            s.startAcking();
        }
        for (Client.User u : senders) {
            Sock s = new Sock();
            s.socket = api.connect(sockets, u, f -> {
                String type = f.path("type").asText();
                Level level = levelOf(f.path(type.equals("ack") ? "client_msg_id" : "ref").asText(""));
                if (level == null) {
                    return;
                }
                if ("ack".equals(type)) {
                    level.acked.add(f.path("client_msg_id").asText());
                } else if ("error".equals(type)) {
                    level.errors.incrementAndGet();
                }
            }).join();
            out.add(s);
        }
        Thread.sleep(1000);

        line("## One-to-one chat at increasing offered load");
        line("");
        line("Each of " + pairs + " senders sends `chat` frames over its socket to its own receiver at an even pace; receivers");
        line("acknowledge what they get (`ack`), as real clients do. Latency is from the sender's write to the frame's arrival");
        line("on the receiver's socket (one clock: both ends are in the load generator). Lost = acknowledged by the server");
        line("but never seen by the receiver within 20 s after the level; duplicated = the same message twice on one socket.");
        line("");
        line("| offered msg/s | sent | delivered msg/s | p50 ms | p99 ms | max ms | lost | duplicated | errors | delivered / MariaDB send-rows limit |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        // Warm-up, not reported: the JIT of five JVMs on two cores needs a while before numbers mean anything.
        runLevel("W", levels[0], Integer.getInteger("bench.warmupSeconds", 15), pairs, receivers, out);
        Thread.sleep(3000);
        for (int rate : levels) {
            long start = System.nanoTime();
            Level level = runLevel("L", rate, seconds, pairs, receivers, out);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long deliveredInWindow = level.received.size();
            // Late is not lost: wait (up to 20 s) until everything acknowledged has arrived.
            for (int wait = 0; wait < 200 && level.acked.stream().anyMatch(id -> !level.received.contains(id)); wait++) {
                Thread.sleep(100);
            }
            long lost = level.acked.stream().filter(id -> !level.received.contains(id)).count();
            long[] lat = level.latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            double delivered = deliveredInWindow / elapsed;
            line(String.format("| %d | %d | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %.0f%% |", rate, level.sent.get(), delivered,
                    pct(lat, 50), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0, lost, level.duplicates.get(),
                    level.errors.get(), 100 * delivered / insertLimit));
            if (delivered < rate * 0.8) {
                line("");
                line("Saturated at this level (delivered < 80% of offered): higher levels not run.");
                break;
            }
        }
        line("");
        if (!closes.isEmpty()) {
            line("Sockets the server closed during this scenario, by close code: " + closes + ".");
            line("");
        }
        for (Sock s : out) {
            s.socket.abort();
        }
    }

    /** Sends {@code rate} chat frames a second, evenly, round-robin over the senders, for {@code seconds}. */
    private Level runLevel(String label, int rate, int seconds, int pairs, List<Client.User> receivers, List<Sock> out) throws InterruptedException {
        Level level = new Level();
        byLabel.put(label + rate, level);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long perTickNanos = 10_000_000L;
        double perTick = rate / 100.0;
        double owed = 0;
        long n = 0;
        long tick = start;
        while (System.nanoTime() < end) {
            owed += perTick;
            while (owed >= 1) {
                owed -= 1;
                int i = (int) (n % pairs);
                String id = label + rate + "-" + n;
                String frame = "{\"type\":\"chat\",\"to\":" + receivers.get(i).id() + ",\"client_msg_id\":\"" + id
                        + "\",\"content\":\"bench|" + id + "|" + System.nanoTime() + "\"}";
                out.get(i).send(frame);
                level.sent.incrementAndGet();
                n++;
            }
            tick += perTickNanos;
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        return level;
    }

    /** A socket whose sends are chained (the JDK allows one outstanding send per socket). */
    private static final class Sock {
        WebSocket socket;
        CompletableFuture<WebSocket> last = CompletableFuture.completedFuture(null);
        final ConcurrentLinkedQueue<Long> pendingAcks = new ConcurrentLinkedQueue<>();

        synchronized void send(String text) {
            last = last.thenCompose(x -> socket.sendText(text, true)).exceptionally(e -> null);
        }

        void startAcking() {
            Thread t = new Thread(() -> {
                while (!socket.isOutputClosed()) {
                    List<Long> ids = new ArrayList<>();
                    Long id;
                    while ((id = pendingAcks.poll()) != null && ids.size() < 400) {
                        ids.add(id);
                    }
                    if (!ids.isEmpty()) {
                        send("{\"type\":\"ack\",\"msg_ids\":" + ids + "}");
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    // ---- 6. group chat ------------------------------------------------------------------------

    /** Arrivals of group chat frames per message (by client_msg_id), for every socket of the scenario. */
    private static final class GroupArrivals {
        final Map<String, AtomicLong> count = new ConcurrentHashMap<>();
        final Map<String, Long> last = new ConcurrentHashMap<>();
        final AtomicLong duplicates = new AtomicLong();

        void arrived(String clientMsgId, long nanos) {
            count.computeIfAbsent(clientMsgId, k -> new AtomicLong()).incrementAndGet();
            last.merge(clientMsgId, nanos, Math::max);
        }

        long of(String clientMsgId) {
            AtomicLong n = count.get(clientMsgId);
            return n == null ? 0 : n.get();
        }
    }

    /**
     * Fan-out to a big group (time from send to the frame on the last member's socket) and send
     * throughput into a small group, each beside raw MariaDB inserts of the same rows.
     */
    private void groups(int bigSize, int smallSize, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Client.User>> registering = new ArrayList<>();
        for (int i = 0; i < bigSize; i++) {
            registering.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return api.register();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        List<Client.User> users = registering.stream().map(CompletableFuture::join).toList();
        GroupArrivals arrivals = new GroupArrivals();
        List<Sock> socks = new ArrayList<>();
        for (Client.User u : users) {
            Sock s = new Sock();
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            s.socket = api.connect(sockets, u, f -> {
                if ("chat".equals(f.path("type").asText()) && f.hasNonNull("group_id")) {
                    long now = System.nanoTime();
                    if (!seen.add(f.path("msg_id").asLong())) {
                        arrivals.duplicates.incrementAndGet();
                        return;
                    }
                    s.pendingAcks.add(f.path("msg_id").asLong());
                    arrivals.arrived(f.path("client_msg_id").asText(), now);
                }
            }).join();
            socks.add(s);
        }
        startAckingAll(socks);
        Client.User owner = users.get(0);
        long big = api.call("POST", "/api/v1/groups", owner, Map.of("name", "bench big",
                "member_ids", users.subList(1, bigSize).stream().map(Client.User::id).toList())).path("id").asLong();
        long small = api.call("POST", "/api/v1/groups", owner, Map.of("name", "bench small",
                "member_ids", users.subList(1, smallSize).stream().map(Client.User::id).toList())).path("id").asLong();

        // Fan-out, one message at a time: every member's socket (the sender's too: REST sends go to all its devices).
        int sends = Integer.getInteger("bench.groupSends", 60);
        int warmup = 15;
        List<Long> toLast = new ArrayList<>();
        List<Long> toFirstHalf = new ArrayList<>();
        long incomplete = 0;
        for (int i = 0; i < warmup + sends; i++) {
            String id = "gb-" + i;
            long start = System.nanoTime();
            api.call("POST", "/api/v1/messages/send", owner, Map.of("group_id", big, "content", "fan-out " + i, "client_msg_id", id));
            long deadline = start + TimeUnit.SECONDS.toNanos(20);
            while (arrivals.of(id) < bigSize && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (i < warmup) {
                continue;
            }
            if (arrivals.of(id) < bigSize) {
                incomplete++;
            } else {
                toLast.add((arrivals.last.get(id) - start) / 1000);
            }
            Thread.sleep(200);
        }
        long[] last = toLast.stream().mapToLong(Long::longValue).sorted().toArray();
        String jdbc = "jdbc:mysql://" + env("DB_HOST", "localhost") + ":" + env("DB_PORT", "3306") + "/im_message_bench";
        double bigRawTx = Baselines.mariadbGroupRows(jdbc, env("DB_USERNAME", "im"), env("DB_PASSWORD", ""), bigSize, 1, Duration.ofSeconds(5));

        // Throughput into the small group: several members send as fast as their answers come back.
        int senders = Math.min(16, smallSize);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> okIds = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        ExecutorService senderPool = Executors.newFixedThreadPool(senders);
        for (int t = 0; t < senders; t++) {
            Client.User from = users.get(t);
            int k = t;
            loops.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    String id = "gs-" + k + "-" + n;
                    try {
                        api.call("POST", "/api/v1/messages/send", from, Map.of("group_id", small, "content", "burst " + n, "client_msg_id", id));
                        ok.incrementAndGet();
                        okIds.add(id);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, senderPool));
        }
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        senderPool.shutdown();
        for (int wait = 0; wait < 300 && okIds.stream().anyMatch(id -> arrivals.of(id) < smallSize); wait++) {
            Thread.sleep(100);
        }
        long missing = okIds.stream().mapToLong(id -> Math.max(0, smallSize - arrivals.of(id))).sum();
        double smallRawTx = Baselines.mariadbGroupRows(jdbc, env("DB_USERNAME", "im"), env("DB_PASSWORD", ""), smallSize, senders, Duration.ofSeconds(5));
        pool.shutdown();

        line("## Group chat");
        line("");
        line("One group of " + bigSize + " members and one of " + smallSize + ", every member with one socket on the gateway that acknowledges");
        line("what it gets. A group send stores the message and one timeline row per member (each with that member's next seq) in");
        line("one transaction, then adds one `deliver` entry per gateway. The raw limit is the same rows written straight into");
        line("MariaDB over JDBC in the same run (a message, the members' seq rows locked and bumped, one timeline row per member).");
        line("");
        line("| fan-out to " + bigSize + " members, " + sends + " sends one at a time | p50 ms | p99 ms | max ms | incomplete | duplicated | raw insert of the same rows |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        line(String.format("| send → frame on the last member's socket | %.1f | %.1f | %.1f | %d | %d | %.1f ms per transaction (%.0f tx/s, 1 connection) |",
                pct(last, 50), pct(last, 99), last.length == 0 ? 0 : last[last.length - 1] / 1000.0, incomplete, arrivals.duplicates.get(),
                1000 / bigRawTx, bigRawTx));
        line("");
        line("| sends into a " + smallSize + "-member group, " + senders + " members sending, " + seconds + " s | sends/s | failed | frames missing | raw tx/s of the same rows (" + senders + " connections) | sends / raw |");
        line("| --- | ---: | ---: | ---: | ---: | ---: |");
        line(String.format("| REST `send` with `group_id`, each sender waiting for its answer | %.0f | %d | %d | %.0f | %.0f%% |",
                ok.get() / elapsed, failed.get(), missing, smallRawTx, 100 * ok.get() / elapsed / smallRawTx));
        line("");
        for (Sock s : socks) {
            s.socket.abort();
        }
    }

    /** One thread acknowledges for all the sockets (a thread per socket would be hundreds). */
    private static void startAckingAll(List<Sock> socks) {
        Thread t = new Thread(() -> {
            while (true) {
                for (Sock s : socks) {
                    List<Long> ids = new ArrayList<>();
                    Long id;
                    while ((id = s.pendingAcks.poll()) != null && ids.size() < 400) {
                        ids.add(id);
                    }
                    if (!ids.isEmpty()) {
                        s.send("{\"type\":\"ack\",\"msg_ids\":" + ids + "}");
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    // ---- 3. offline burst -----------------------------------------------------------------------

    private void offlineBurst(int n) throws Exception {
        Client.User sender = api.register();
        Client.User receiver = api.register();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            sends.add(CompletableFuture.runAsync(() -> {
                try {
                    api.call("POST", "/api/v1/messages/send", sender,
                            Map.of("receiver_id", receiver.id(), "content", "offline " + k, "client_msg_id", "off-" + k));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        CountDownLatch all = new CountDownLatch(n);
        List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        WebSocket ws = api.connect(sockets, receiver, f -> {
            if ("chat".equals(f.path("type").asText())) {
                seqs.add(f.path("seq").asLong());
                all.countDown();
            }
        }).join();
        boolean complete = all.await(120, TimeUnit.SECONDS);
        double millis = (System.nanoTime() - start) / 1e6;
        ws.abort();
        boolean inOrder = true;
        for (int i = 1; i < seqs.size(); i++) {
            inOrder &= seqs.get(i) > seqs.get(i - 1);
        }
        line("## Offline burst");
        line("");
        line("| messages waiting | all on the socket after | rate | in seq order | complete |");
        line("| ---: | ---: | ---: | --- | --- |");
        line(String.format("| %d | %.0f ms | %.0f msg/s | %s | %s (%d received) |", n, millis, seqs.size() / (millis / 1000), inOrder ? "yes" : "NO",
                complete ? "yes" : "NO", seqs.size()));
        line("");
    }

    // ---- 2. idle connections -------------------------------------------------------------------

    private void idleConnections(int asked) throws Exception {
        long fdLimit = 20_000;
        try {
            fdLimit = Long.parseLong(new String(new ProcessBuilder("sh", "-c", "ulimit -n").start().getInputStream().readAllBytes()).trim());
        } catch (Exception e) {
            // keep the default
        }
        int n = (int) Math.min(asked, fdLimit - 1000);
        List<Client.User> users = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            users.add(api.register());
        }
        long heapBefore = gatewayHeapAfterGc();
        long rssBefore = system.rssKib("gateway-service");
        Semaphore inFlight = new Semaphore(200);
        List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            api.connect(sockets, users.get(i % users.size()), f -> {
            }).whenComplete((ws, e) -> {
                inFlight.release();
                if (e != null) {
                    failed.incrementAndGet();
                } else {
                    open.add(ws);
                }
            });
        }
        inFlight.acquire(200);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000);
        long heapAfter = gatewayHeapAfterGc();
        long rssAfter = system.rssKib("gateway-service");
        int held = open.size();
        line("## Idle connections on one gateway");
        line("");
        line("Authenticated sockets opened 200 at a time (each registered with presence and replayed), then idle.");
        line("Heap is measured after a full GC (`jcmd GC.run`). This machine allows " + fdLimit + " open files per process,");
        line("which caps what one gateway (and the load generator) can hold here; the target of 50,000 needs a higher limit.");
        line("");
        line("| sockets asked | held | failed | opened in | heap per socket | RSS per socket |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: |");
        line(String.format("| %d | %d | %d | %.1f s | %.1f KB | %.1f KB |", n, held, failed.get(), openSeconds,
                held == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / held, held == 0 ? 0 : (rssAfter - rssBefore) * 1.0 / held));
        line("");
        for (WebSocket ws : open) {
            ws.abort();
        }
    }

    private long gatewayHeapAfterGc() throws Exception {
        long pid = system.pid("gateway-service");
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Thread.sleep(500);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(system.gatewayUrl() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        long used = 0;
        for (String l : metrics.body().split("\n")) {
            if (l.startsWith("jvm_memory_used_bytes") && l.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }

    private static double pct(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, i))] / 1000.0;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

}
