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
    /** The report's sections, each written by one scenario; main puts them in order. */
    private final Map<String, StringBuilder> sections;
    private StringBuilder current;
    /** Which build this instance drives ("before", "after"), for headings. */
    private final String build;
    /** Saturation of the chat scenario: the most delivered msg/s of any level. */
    private double bestDelivered;
    private int bestLevel;
    /** Whether the chat scenario reached a level it could not take (false: the highest level was not its limit). */
    private boolean saturated;
    /** Results of the group scenario, for the A/B summary. */
    private double fanOutP99;
    private double groupSendsPerSecond;

    private Bench(Launcher system, String build, Map<String, StringBuilder> sections) {
        this.system = system;
        this.api = new Client(system.gatewayUrl());
        this.build = build;
        this.sections = sections;
        this.current = sections.computeIfAbsent("header", k -> new StringBuilder());
    }

    private void section(String name) {
        current = sections.computeIfAbsent(name, k -> new StringBuilder());
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path out = Path.of(args.length > 1 ? args[1] : "docs/BENCHMARKS.md");
        int pairs = Integer.getInteger("bench.pairs", 64);
        int levelSeconds = Integer.getInteger("bench.levelSeconds", 8);
        int[] levels = Arrays.stream(System.getProperty("bench.levels", "100,200,400,800,1600,2400,3200,4000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int idle = Integer.getInteger("bench.idleConnections", 19_000);
        int burst = Integer.getInteger("bench.offlineBurst", 2000);
        int bigGroup = Integer.getInteger("bench.bigGroup", 500);
        int smallGroup = Integer.getInteger("bench.smallGroup", 50);
        // all, or a comma-separated subset of: chat, offline, idle, groups
        Set<String> scenarios = Set.of(System.getProperty("bench.scenarios", "all").split(","));
        // -Dbench.baseline=DIR: a built checkout of an older commit, run first with the same settings (A/B).
        String baselineDir = System.getProperty("bench.baseline", "");
        String baselineLabel = System.getProperty("bench.baselineLabel", "baseline");
        String thisLabel = System.getProperty("bench.label", "this build");
        // -Dbench.database=NAME: the schemas are im_auth_NAME and im_message_NAME (dropped and created anew for each build).
        database = System.getProperty("bench.database", "bench");

        Map<String, String> env = new java.util.HashMap<>(Map.of("WS_MAX_FRAMES_PER_SECOND", "100000", "WS_MAX_INFLIGHT_CALLS", "100000",
                "LOG_LEVEL", "WARN"));
        // The offline scenario stores 2000 messages of one sender as fast as it can, then measures their replay on
        // one connect: a bucket and an offline queue that hold them. The send rate stays the default (100/s per
        // user), above every chat sender's (~63/s at the top level).
        env.put("RATE_LIMIT_SEND_BURST", "5000");
        env.put("MESSAGE_OFFLINE_MAX", "100000");
        String profile = System.getProperty("bench.jfr");
        if (profile != null) {
            // -Dbench.jfr=DIR: every service records a flight recording into DIR (for profiling the hot path).
            env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename=" + profile + "/,dumponexit=true");
        }
        Map<String, StringBuilder> sections = new java.util.LinkedHashMap<>();
        for (String name : List.of("header", "startup", "limits", "chat", "summary", "groups", "offline", "idle")) {
            sections.put(name, new StringBuilder());
        }
        Limits limits = null;
        List<Bench> runs = new ArrayList<>();
        List<String[]> builds = new ArrayList<>();
        if (!baselineDir.isBlank()) {
            builds.add(new String[] {baselineLabel, Path.of(baselineDir).toAbsolutePath().normalize().toString()});
        }
        builds.add(new String[] {thisLabel, root.toString()});
        for (int b = 0; b < builds.size(); b++) {
            boolean last = b == builds.size() - 1;
            Path buildRoot = Path.of(builds.get(b)[1]);
            resetDatabases();
            Launcher system = new Launcher(buildRoot, root.resolve("bench/target/run"), database, env);
            Runtime.getRuntime().addShutdownHook(new Thread(system::stopAll));
            system.startAll(Duration.ofSeconds(120));
            Bench bench = new Bench(system, builds.get(b)[0], sections);
            runs.add(bench);
            try {
                if (b == 0) {
                    bench.header(pairs, levels, levelSeconds, idle, burst, builds);
                }
                if (last) {
                    bench.startup();
                }
                if (limits == null) {
                    limits = bench.baselines(pairs);
                }
                if (scenarios.contains("all") || scenarios.contains("chat")) {
                    bench.oneToOne(pairs, levels, levelSeconds, limits);
                }
                if (scenarios.contains("all") || scenarios.contains("groups")) {
                    bench.groups(bigGroup, smallGroup, levelSeconds);
                }
                if (last && (scenarios.contains("all") || scenarios.contains("offline"))) {
                    bench.offlineBurst(burst);
                }
                if (last && (scenarios.contains("all") || scenarios.contains("idle"))) {
                    bench.idleConnections(idle);
                }
            } finally {
                system.stopAll();
                deleteRedisKeys(system.redisPrefix);
            }
        }
        boolean chat = scenarios.contains("all") || scenarios.contains("chat");
        boolean groups = scenarios.contains("all") || scenarios.contains("groups");
        if (runs.size() == 2 && (chat || groups)) {
            Bench before = runs.get(0);
            Bench after = runs.get(1);
            before.section("summary");
            before.line("## A/B: " + before.build + " against " + after.build);
            before.line("");
            before.line("Both builds in this run, one after the other, with the same settings, fresh schemas and the same limits.");
            before.line("");
            if (chat) {
                before.line("| build | one-to-one saturation: most delivered msg/s | at offered msg/s | / batched (64) MariaDB limit |");
                before.line("| --- | ---: | ---: | ---: |");
                for (Bench r : runs) {
                    before.line(String.format("| %s | %.0f%s | %d | %s |", r.build, r.bestDelivered, r.saturated ? "" : " (not saturated)",
                            r.bestLevel, percent(r.bestDelivered / limits.batched64())));
                }
                before.line("");
                before.line(String.format("**One-to-one: %s delivers %.1f× what %s delivers at saturation** (%.0f against %.0f msg/s: the most "
                        + "delivered of any level%s).", after.build, after.bestDelivered / Math.max(1, before.bestDelivered), before.build,
                        after.bestDelivered, before.bestDelivered, after.saturated ? ""
                                : "; " + after.build + " did not saturate at the highest level offered, so its figure and the ratio are lower bounds"));
                before.line("");
            }
            if (groups && before.groupSendsPerSecond > 0 && after.groupSendsPerSecond > 0) {
                before.line("| build | " + bigGroup + "-member fan-out p99 ms | sends/s into a " + smallGroup + "-member group |");
                before.line("| --- | ---: | ---: |");
                for (Bench r : runs) {
                    before.line(String.format("| %s | %.1f | %.0f |", r.build, r.fanOutP99, r.groupSendsPerSecond));
                }
                before.line("");
                before.line(String.format("**Groups: fan-out p99 %.1f× lower, group sends/s %.1f× higher** (%s against %s).",
                        before.fanOutP99 / Math.max(0.1, after.fanOutP99), after.groupSendsPerSecond / before.groupSendsPerSecond,
                        after.build, before.build));
                before.line("");
            }
        }
        StringBuilder report = new StringBuilder();
        sections.values().forEach(report::append);
        Files.writeString(out, report.toString());
        System.out.println("wrote " + out);
    }

    /** The limits of this machine measured in this run. */
    record Limits(double oneSend, double batched16, double batched64, double xaddSequential, double xaddPipelined) {
    }

    /** Suffix of the schemas this run uses (im_auth_{database}, im_message_{database}). */
    private static String database = "bench";

    /** JDBC URL of a schema of this run ("" for none), with the application user's credentials from the environment. */
    private static String jdbcUrl(String schema) {
        return "jdbc:mysql://" + env("DB_HOST", "localhost") + ":" + env("DB_PORT", "3306") + "/" + schema;
    }

    /** message-service's schema of this run, where the raw limits write and the timelines are checked. */
    private static String messageJdbcUrl() {
        return jdbcUrl("im_message_" + database);
    }

    /**
     * Fresh bench schemas for each build: Flyway refuses an older build on a schema migrated by a newer one.
     * DROP + CREATE keeps the application user's grants (they are on {@code im\_%}, not on the schemas).
     */
    private static void resetDatabases() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl(""), env("DB_USERNAME", "im"), env("DB_PASSWORD", ""));
                java.sql.Statement st = c.createStatement()) {
            for (String db : List.of("im_auth_" + database, "im_message_" + database)) {
                st.executeUpdate("DROP DATABASE IF EXISTS `" + db + "`");
                st.executeUpdate("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
        }
    }

    /** Removes a finished build's Redis keys (its prefix), so the next build starts on a Redis without them. */
    private static void deleteRedisKeys(String prefix) {
        try {
            long n = Baselines.redisDeletePrefix(env("REDIS_HOST", "localhost"), Integer.parseInt(env("REDIS_PORT", "6379")),
                    System.getenv("REDIS_PASSWORD"), prefix);
            System.out.println("deleted " + n + " Redis keys of " + prefix);
        } catch (IOException | RuntimeException e) {
            System.out.println("could not delete the Redis keys of " + prefix + ": " + e);
        }
    }

    // ---- report ------------------------------------------------------------------------------

    private void line(String s) {
        current.append(s).append('\n');
        System.out.println(s);
    }

    private void header(int pairs, int[] levels, int levelSeconds, int idle, int burst, List<String[]> builds) throws IOException {
        section("header");
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
        line("| settings | " + pairs + " sender/receiver pairs, levels " + Arrays.stream(levels).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "))
                + " msg/s (" + levelSeconds + " s each, after a warm-up of " + Integer.getInteger("bench.warmupSeconds", 30) + " s at "
                + Integer.getInteger("bench.warmupRate", 120) + " msg/s), " + idle + " idle sockets asked, offline burst of " + burst + " |");
        line("| gateway limits | `WS_MAX_FRAMES_PER_SECOND` and `WS_MAX_INFLIGHT_CALLS` raised to 100000 (the per-socket flood limits must not be what stops a level) |");
        for (String[] b : builds) {
            line("| build: " + b[0] + " | `" + gitHead(Path.of(b[1])) + "` |");
        }
        line("");
    }

    private static String gitHead(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "log", "-1", "--format=%h %s").redirectErrorStream(true).start();
            String head = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return head.length() > 90 ? head.substring(0, 90) + "…" : head;
        } catch (Exception e) {
            return dir.toString();
        }
    }

    // ---- 4. start-up ---------------------------------------------------------------------------

    private void startup() throws Exception {
        section("startup");
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

    private Limits baselines(int threads) throws Exception {
        section("limits");
        String jdbc = messageJdbcUrl();
        String user = env("DB_USERNAME", "im");
        String password = env("DB_PASSWORD", "");
        double insert = Baselines.mariadbSendRows(jdbc, user, password, threads, Duration.ofSeconds(5));
        double batched16 = Baselines.mariadbBatchedSendRows(jdbc, user, password, 4, 16, Duration.ofSeconds(5));
        double batched64 = Baselines.mariadbBatchedSendRows(jdbc, user, password, 4, 64, Duration.ofSeconds(5));
        String host = env("REDIS_HOST", "localhost");
        int port = Integer.parseInt(env("REDIS_PORT", "6379"));
        String redisPassword = System.getenv("REDIS_PASSWORD");
        double xadd = Baselines.redisXadd(host, port, redisPassword, system.redisPrefix + "bench:xadd", 1, Duration.ofSeconds(3));
        double xaddPipelined = Baselines.redisXadd(host, port, redisPassword, system.redisPrefix + "bench:xadd", 64, Duration.ofSeconds(3));
        line("## Limits measured in this run");
        line("");
        line("Raw writes of the rows and stream entries the system writes, straight to MariaDB (JDBC, message-service's tables,");
        line("its durability settings: a commit is flushed to disk) and Redis, with nothing of ours in between.");
        line("");
        line("Batched: the seq rows of all the batch's users locked once in ascending id (`SELECT ... FOR UPDATE`) and raised by one");
        line("multi-row upsert, the messages and the timeline rows in one multi-row insert each. Rates are messages (sends) per second;");
        line("delivered msg/s below is given as a share of the 64-per-transaction limit.");
        line("");
        line("| limit | messages/s | transactions/s |");
        line("| --- | ---: | ---: |");
        line(String.format("| MariaDB: one send's rows (message, 2 seq bumps, 2 timeline rows) per transaction, %d connections | %.0f | %.0f |",
                threads, insert, insert));
        line(String.format("| MariaDB: the rows of 16 sends per transaction, 4 connections | %.0f | %.0f |", batched16, batched16 / 16));
        line(String.format("| MariaDB: the rows of 64 sends per transaction, 4 connections | %.0f | %.0f |", batched64, batched64 / 64));
        line(String.format("| Redis: XADD of a chat-sized deliver entry, one connection, each full reply read before the next | %.0f XADD/s | |", xadd));
        line(String.format("| Redis: the same XADD, pipelined (64 in flight on one connection) | %.0f XADD/s | |", xaddPipelined));
        line("");
        return new Limits(insert, batched16, batched64, xadd, xaddPipelined);
    }

    // ---- 1. one-to-one chat at increasing load ----------------------------------------------

    private static final class Level {
        final ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        /** Frames the send loop made (queued on their sockets). */
        final AtomicLong sent = new AtomicLong();
        /** Frames written to the sockets (the JDK's send completed). */
        final AtomicLong written = new AtomicLong();
        /** {@link #written} at the end of the level's window: what the load generator really offered in it. */
        long writtenInWindow;
        /** How far the send loop fell behind its schedule at worst, in ms (0: it kept pace). */
        double maxLagMillis;
        /** A frame whose sender's send number is below one that socket already got (the sender's order broken). */
        final AtomicLong outOfOrder = new AtomicLong();
        /** A frame whose seq is not above the last one on that socket. */
        final AtomicLong seqRegressions = new AtomicLong();
        double offeredSeconds;
    }

    /** Sends of the chat scenario so far: the number in each client_msg_id, rising per sender across levels. */
    private long sendCounter;

    /** Close codes of the chat scenario's sockets that the server closed. */
    private final Map<Integer, AtomicLong> closes = new ConcurrentHashMap<>();

    /** Levels by the prefix of their client_msg_ids ("L100"), so that a late frame counts for its own level. */
    private final Map<String, Level> byLabel = new ConcurrentHashMap<>();

    private Level levelOf(String clientMsgId) {
        int dash = clientMsgId.indexOf('-');
        return dash < 0 ? null : byLabel.get(clientMsgId.substring(0, dash));
    }

    private void oneToOne(int pairs, int[] levels, int seconds, Limits limits) throws Exception {
        section("chat");
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
            long[] lastSeqAndN = {0, -1};
            s.socket = api.connect(sockets, r, f -> {
                if (!"chat".equals(f.path("type").asText())) {
                    return;
                }
                long now = System.nanoTime();
                String clientMsgId = f.path("client_msg_id").asText("");
                Level level = levelOf(clientMsgId);
                if (level == null) {
                    return;
                }
                String[] parts = f.path("content").asText().split("\\|");
                if (!seen.add(f.path("msg_id").asLong())) {
                    level.duplicates.incrementAndGet();
                    return;
                }
                synchronized (lastSeqAndN) {
                    long seq = f.path("seq").asLong();
                    if (seq <= lastSeqAndN[0]) {
                        level.seqRegressions.incrementAndGet();
                    }
                    lastSeqAndN[0] = Math.max(lastSeqAndN[0], seq);
                    // This socket's frames come from one sender, whose n rises with every send (all levels: n is a counter of the run).
                    long n = Long.parseLong(clientMsgId.substring(clientMsgId.indexOf('-') + 1));
                    if (n < lastSeqAndN[1]) {
                        level.outOfOrder.incrementAndGet();
                    }
                    lastSeqAndN[1] = Math.max(lastSeqAndN[1], n);
                }
                s.pendingAcks.add(f.path("msg_id").asLong());
                if (parts.length == 3 && level.received.add(clientMsgId)) {
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
        List<Long> everyone = new ArrayList<>();
        senders.forEach(u -> everyone.add(u.id()));
        receivers.forEach(u -> everyone.add(u.id()));
        Thread.sleep(1000);

        line("## One-to-one chat at increasing offered load" + (build.isEmpty() ? "" : ": " + build));
        line("");
        line("Each of " + pairs + " senders sends `chat` frames over its socket to its own receiver at an even pace; receivers");
        line("acknowledge what they get (`ack`), as real clients do. Latency is from the sender's write to the frame's arrival");
        line("on the receiver's socket (one clock: both ends are in the load generator). Lost = acknowledged by the server");
        line("but never seen by the receiver within 20 s after the level; duplicated = the same message twice on one socket;");
        line("out of order = a frame of a sender after a later one of the same sender; seq down = a frame whose seq is not above");
        line("the socket's last. Achieved = frames the load generator really wrote to its sockets in the level's window, per second.");
        line("After each level every user of the scenario has its timeline checked in MariaDB: as many rows as its highest seq");
        line("(no gap) and each message once; violations = users for whom either fails.");
        line("");
        line("| offered msg/s | achieved | delivered msg/s | p50 ms | p99 ms | max ms | lost | dup | out of order | seq down | errors "
                + "| timelines checked | violations | delivered / batched(64) limit |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        // Warm-up, not reported: the JIT of five JVMs on two cores needs a while before numbers mean anything
        // (at a rate either build can take for a while; what an older build refuses meanwhile does not count).
        runLevel("W", Integer.getInteger("bench.warmupRate", 120), Integer.getInteger("bench.warmupSeconds", 30), pairs, receivers, out);
        Thread.sleep(5000);
        List<String> cpuRows = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        saturated = false;
        for (int rate : levels) {
            Map<String, Long> ticksBefore = cpuTicks();
            long start = System.nanoTime();
            Level level = runLevel("L", rate, seconds, pairs, receivers, out);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long deliveredInWindow = level.received.size();
            Map<String, Long> ticksAfter = cpuTicks();
            // Late is not lost: wait (up to 20 s) until everything acknowledged has arrived.
            for (int wait = 0; wait < 200 && level.acked.stream().anyMatch(id -> !level.received.contains(id)); wait++) {
                Thread.sleep(100);
            }
            List<String> lostIds = level.acked.stream().filter(id -> !level.received.contains(id)).sorted().toList();
            long lost = lostIds.size();
            if (!lostIds.isEmpty()) {
                System.out.println("level " + rate + ": acknowledged but not seen by the receiver: " + lostIds.subList(0, Math.min(20, lostIds.size())));
            }
            long[] lat = level.latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            double delivered = deliveredInWindow / elapsed;
            double achieved = level.writtenInWindow / level.offeredSeconds;
            System.out.printf("level %d: %d frames made, %d written in the window (%.0f/s), send loop at most %.0f ms behind%n",
                    rate, level.sent.get(), level.writtenInWindow, achieved, level.maxLagMillis);
            if (achieved < rate * 0.98 || level.maxLagMillis > 100) {
                behind.add(String.format("%d (%.0f written/s, loop up to %.0f ms behind)", rate, achieved, level.maxLagMillis));
            }
            long[] timelines = checkTimelines(everyone);
            if (delivered > bestDelivered) {
                bestDelivered = delivered;
                bestLevel = rate;
            }
            line(String.format("| %d | %.0f | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %d | %s |", rate, achieved,
                    delivered, pct(lat, 50), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0, lost, level.duplicates.get(),
                    level.outOfOrder.get(), level.seqRegressions.get(), level.errors.get(), timelines[0], timelines[1],
                    percent(delivered / limits.batched64())));
            StringBuilder cpu = new StringBuilder("| " + rate);
            long total = 0;
            for (String proc : CPU_PROCESSES) {
                long ticks = ticksAfter.getOrDefault(proc, 0L) - ticksBefore.getOrDefault(proc, 0L);
                total += ticks;
                cpu.append(String.format(" | %.2f", deliveredInWindow == 0 ? 0 : ticks * 1000.0 / CLOCK_TICKS / deliveredInWindow));
            }
            long machine = ticksAfter.getOrDefault(MACHINE, 0L) - ticksBefore.getOrDefault(MACHINE, 0L);
            long other = Math.max(0, machine - total);
            cpu.append(String.format(" | %.2f | %.2f | %.0f%% |", deliveredInWindow == 0 ? 0 : total * 1000.0 / CLOCK_TICKS / deliveredInWindow,
                    deliveredInWindow == 0 ? 0 : other * 1000.0 / CLOCK_TICKS / deliveredInWindow,
                    100.0 * machine / CLOCK_TICKS / elapsed / Runtime.getRuntime().availableProcessors()));
            cpuRows.add(cpu.toString());
            if (delivered < rate * 0.8) {
                saturated = true;
                line("");
                line("Saturated at this level (delivered < 80% of offered): higher levels not run.");
                break;
            }
        }
        line("");
        if (!behind.isEmpty()) {
            line("The load generator did not keep pace at " + String.join(", ", behind) + ": the offered rate there is the achieved one.");
            line("");
        }
        line("CPU milliseconds per delivered message, by process, in each level's window (utime + stime from `/proc/<pid>/stat`,");
        line(CLOCK_TICKS + " ticks/s; " + cpuSources + "); all = their sum; other = the rest of the machine's busy time");
        line("(`/proc/stat`, steal included: other processes, kernel threads, what a shared machine's neighbours take); machine busy = the");
        line("machine's busy time over its " + Runtime.getRuntime().availableProcessors() + " cores:");
        line("");
        line("| offered msg/s | " + String.join(" | ", CPU_PROCESSES) + " | all | other | machine busy |");
        line("| ---: |" + " ---: |".repeat(CPU_PROCESSES.size() + 3));
        cpuRows.forEach(this::line);
        line("");
        if (!closes.isEmpty()) {
            line("Sockets the server closed during this scenario, by close code: " + closes + ".");
            line("");
        }
        for (Sock s : out) {
            s.socket.abort();
        }
    }

    private static final List<String> CPU_PROCESSES = List.of("auth-service", "message-service", "presence-service", "gateway-service",
            "mariadbd", "redis-server", "load generator");
    /** Clock ticks per second of /proc/<pid>/stat ({@code getconf CLK_TCK}; 100 when that cannot be asked). */
    private static final long CLOCK_TICKS = clockTicks();
    /** Which mariadbd and redis-server processes the CPU table counts (said in the report). */
    private String cpuSources = "";

    /** Key of the machine's busy ticks in {@link #cpuTicks()} (not a process). */
    private static final String MACHINE = "machine";

    /** Busy ticks of all CPUs since boot: the first line of /proc/stat without idle and iowait (guest time is in user). */
    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal [guest guest_nice]
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** utime + stime of every process the chat scenario uses, in clock ticks. */
    private Map<String, Long> cpuTicks() {
        Map<String, Long> ticks = new java.util.LinkedHashMap<>();
        for (String service : Launcher.SERVICES) {
            ticks.put(service, ticksOf(system.pid(service)));
        }
        List<String> sources = new ArrayList<>();
        // MySQL's server is mysqld; the column keeps the name of MariaDB's.
        String database = pidsOf("mariadbd").isEmpty() && !pidsOf("mysqld").isEmpty() ? "mysqld" : "mariadbd";
        ticks.put("mariadbd", serverTicks(database, Integer.parseInt(env("DB_PORT", "3306")), sources));
        ticks.put("redis-server", serverTicks("redis-server", Integer.parseInt(env("REDIS_PORT", "6379")), sources));
        ticks.put("load generator", ticksOf(ProcessHandle.current().pid()));
        ticks.put(MACHINE, machineBusyTicks());
        cpuSources = String.join("; ", sources);
        return ticks;
    }

    /**
     * Ticks of the {@code command} process that listens on {@code port} (found through /proc/net/tcp* and the
     * processes' socket fds), or of every {@code command} process when that cannot be told; says which into sources.
     */
    private static long serverTicks(String command, int port, List<String> sources) {
        List<Long> all = pidsOf(command);
        Set<String> inodes = listeningInodes(port);
        for (long pid : all) {
            if (!inodes.isEmpty() && holdsSocket(pid, inodes)) {
                sources.add(command + " = the process serving port " + port + " (pid " + pid + (all.size() > 1 ? ", of " + all.size() + " " + command + " processes" : "") + ")");
                return ticksOf(pid);
            }
        }
        sources.add(command + " = the sum of all " + all.size() + " " + command + " processes (the one on port " + port + " not found)");
        return all.stream().mapToLong(Bench::ticksOf).sum();
    }

    /** Inodes of the sockets listening on a TCP port (IPv4 and IPv6). */
    private static Set<String> listeningInodes(int port) {
        Set<String> inodes = new java.util.HashSet<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String row : Files.readAllLines(Path.of(table))) {
                    String[] f = row.trim().split("\\s+");
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                        inodes.add(f[9]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table here
            }
        }
        return inodes;
    }

    private static boolean holdsSocket(long pid, Set<String> inodes) {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // not ours to read
        }
        return false;
    }

    /** Every process whose name (/proc/<pid>/comm) is {@code command}. */
    private static List<Long> pidsOf(String command) {
        List<Long> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    try {
                        if (Files.readString(d.resolve("comm")).trim().equals(command)) {
                            out.add(Long.parseLong(name));
                        }
                    } catch (IOException | RuntimeException e) {
                        // gone meanwhile
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: no figures
        }
        return out;
    }

    private static long ticksOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Checks the timeline of every given user in MariaDB (table timeline: user_id, seq, message_id): gap-free
     * (COUNT(*) = MAX(seq)) and each message once (COUNT(DISTINCT message_id) = COUNT(*)). Answers {users checked, violations}.
     */
    private static long[] checkTimelines(List<Long> users) throws Exception {
        long bad = 0;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(messageJdbcUrl(), env("DB_USERNAME", "im"), env("DB_PASSWORD", ""));
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(MAX(seq), 0), COUNT(DISTINCT message_id) FROM timeline WHERE user_id = ?")) {
            for (long u : users) {
                ps.setLong(1, u);
                try (java.sql.ResultSet r = ps.executeQuery()) {
                    r.next();
                    long rows = r.getLong(1);
                    if (rows != r.getLong(2) || rows != r.getLong(3)) {
                        bad++;
                        System.out.printf("timeline of user %d: %d rows, highest seq %d, %d distinct messages%n", u, rows, r.getLong(2), r.getLong(3));
                    }
                }
            }
        }
        return new long[] {users.size(), bad};
    }

    /** Sends {@code rate} chat frames a second, evenly, round-robin over the senders, for {@code seconds}. */
    private Level runLevel(String label, int rate, int seconds, int pairs, List<Client.User> receivers, List<Sock> out) throws InterruptedException {
        Level level = new Level();
        byLabel.put(label + rate, level);
        long start = System.nanoTime();
        long n = sendCounter;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long perTickNanos = 10_000_000L;
        double perTick = rate / 100.0;
        double owed = 0;
        long tick = start;
        while (System.nanoTime() < end) {
            owed += perTick;
            while (owed >= 1) {
                owed -= 1;
                int i = (int) (n % pairs);
                String id = label + rate + "-" + n;
                String frame = "{\"type\":\"chat\",\"to\":" + receivers.get(i).id() + ",\"client_msg_id\":\"" + id
                        + "\",\"content\":\"bench|" + id + "|" + System.nanoTime() + "\"}";
                out.get(i).send(frame, level.written);
                level.sent.incrementAndGet();
                n++;
            }
            tick += perTickNanos;
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } else {
                level.maxLagMillis = Math.max(level.maxLagMillis, -sleep / 1e6);
            }
        }
        level.writtenInWindow = level.written.get();
        level.offeredSeconds = (System.nanoTime() - start) / 1e9;
        sendCounter = n;
        return level;
    }

    /** A socket whose sends are chained (the JDK allows one outstanding send per socket). */
    private static final class Sock {
        WebSocket socket;
        CompletableFuture<WebSocket> last = CompletableFuture.completedFuture(null);
        final ConcurrentLinkedQueue<Long> pendingAcks = new ConcurrentLinkedQueue<>();

        synchronized void send(String text) {
            send(text, null);
        }

        /** Queues a frame; {@code written} (if any) counts it once the JDK has written it to the socket. */
        synchronized void send(String text, AtomicLong written) {
            CompletableFuture<WebSocket> sending = last.thenCompose(x -> socket.sendText(text, true));
            if (written != null) {
                sending = sending.thenApply(ws -> {
                    written.incrementAndGet();
                    return ws;
                });
            }
            last = sending.exceptionally(e -> null);
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
        section("groups");
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
        String jdbc = messageJdbcUrl();
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

        line("## Group chat" + (build.isEmpty() ? "" : ": " + build));
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
        fanOutP99 = pct(last, 99);
        groupSendsPerSecond = ok.get() / elapsed;
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
        section("offline");
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
        section("idle");
        line("## Idle sockets");
        line("");
        IdleSockets.report(List.of(IdleSockets.measure(system, build, asked))).forEach(this::line);
    }

    /** A share as a percentage, with a decimal when it is small ("0.4%", "12%"). */
    private static String percent(double share) {
        return String.format(share < 0.1 ? "%.1f%%" : "%.0f%%", 100 * share);
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
