package io.imsystem.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The idle-socket footprint of one gateway: how much heap and resident memory an authenticated,
 * idle WebSocket costs, at the most sockets this machine lets one process hold, and how fast they open.
 *
 * <p>How it measures (the same for every build):
 * <ol>
 * <li>Tokens are signed here with the run's key pair (the Launcher's {@code JWT_PRIVATE_KEY}), one user per
 * socket by default ({@code bench.idleSocketsPerUser}): the claims auth-service issues ({@code sub},
 * {@code username}, {@code sid}, {@code jti}, {@code iat}, {@code exp}), so the gateway checks each one as
 * any other (RS256, issuer, revocation). Signing 19,000 tokens through auth's login would measure bcrypt.</li>
 * <li>A warm-up opens and closes a thousand sockets, so that the JIT, the class loading and the
 * pools the first handshakes fill are in the "before" figures, not charged to the sockets.</li>
 * <li>Before and after: a full GC ({@code jcmd GC.class_histogram} runs one and counts the live objects:
 * its total is the heap figure, its per-class deltas are the breakdown), then VmRSS of the gateway
 * process, its open file descriptors, and the kernel's slab memory (both ends of each socket are on
 * this machine, so the slab delta is halved for one end).</li>
 * <li>Each handshake is what a browser running the web client sends: its usual headers, the token in
 * {@code Sec-WebSocket-Protocol: Bearer, <jwt>} ({@code -Dbench.idleTokenIn=query}: the bare minimum
 * with {@code ?token=} instead).</li>
 * <li>The sockets open through a window of {@code bench.idleWindow} handshakes in flight (a handshake
 * is done when the 101 has arrived: the gateway answers it only once the connection is registered and
 * replayed); the rate is sockets opened over the time from the first connect to the last 101.</li>
 * </ol>
 *
 * <p>The client is a plain NIO WebSocket client on one thread (handshake, pong, close; nothing else), so
 * that on a two-core machine the load generator takes as little CPU from the gateway as it can.
 *
 * <p>Run on its own for an A/B of two builds: {@code bench/idle.sh} (see bench/README.md).
 */
public final class IdleSockets {

    /** What one build's run measured. */
    record Result(String build, long fdLimit, int asked, int held, int failed, String failures, int closedMeanwhile,
            double openSeconds, double rate, double p50Millis, double p99Millis,
            long heapBefore, long heapAfter, long heapUsedBefore, long heapUsedAfter,
            long rssBeforeKib, long rssAfterKib, int fdsBefore, int fdsAfter, long slabBeforeKib, long slabAfterKib,
            List<String[]> topClasses, Map<String, Double> cpuMillisPerHandshake, double machineBusy) {

        double heapPerSocket() {
            return held == 0 ? 0 : (heapAfter - heapBefore) / (double) held;
        }

        double rssPerSocket() {
            return held == 0 ? 0 : (rssAfterKib - rssBeforeKib) * 1024.0 / held;
        }

        /** Kernel slab per socket of one end (both ends are on this machine). */
        double slabPerSocket() {
            return held == 0 ? 0 : (slabAfterKib - slabBeforeKib) * 1024.0 / held / 2;
        }
    }

    private IdleSockets() {
    }

    // ---- measurement -------------------------------------------------------------------------

    /**
     * Opens as many idle sockets as asked and this machine's open-file limit allows on the gateway of a
     * running system, and measures what they cost it.
     */
    static Result measure(Launcher system, String build, int asked) throws Exception {
        long fdLimit = fdLimit();
        long pid = system.pid("gateway-service");
        int perUser = Math.max(1, Integer.getInteger("bench.idleSocketsPerUser", 1));
        int window = Integer.getInteger("bench.idleWindow", 256);
        int settle = Integer.getInteger("bench.idleSettleSeconds", 5);
        // Room for what each process holds besides the sockets (jars, pipes, connections to the services).
        int room = (int) fdLimit - Math.max(fds(pid), fds(ProcessHandle.current().pid())) - 400;
        int n = Math.max(0, Math.min(asked, room));
        int warm = Math.min(1000, Math.max(1, n / 10));
        System.out.printf("[idle] %s: %d sockets (asked %d, open-file limit %d), %d per user, window %d%n", build, n, asked,
                fdLimit, perUser, window);

        PrivateKey key = privateKey(Path.of(system.env().get("JWT_PRIVATE_KEY")));
        String issuer = System.getenv().getOrDefault("JWT_ISSUER", "im-system");
        long base = 900_000_000L + (System.nanoTime() & 0xFFFFF) * 1000;
        int users = (n + perUser - 1) / perUser;
        String[] tokens = new String[users + warm];
        IntStream.range(0, tokens.length).parallel().forEach(i -> tokens[i] = token(key, issuer, base + i));
        System.out.printf("[idle] %d tokens signed%n", tokens.length);

        int port = system.port("gateway-service");
        try (Loader loader = new Loader(port)) {
            // Warm-up: JIT, class loading, pools; closed again before "before".
            Loader.Batch w = loader.open(warm, i -> tokens[users + i], window);
            w.await(Duration.ofSeconds(120));
            loader.closeAll();
            awaitOpenConnections(system, 0, Duration.ofSeconds(60));
            Thread.sleep(2000);

            Histogram before = Histogram.of(pid);
            long heapUsedBefore = heapUsed(pid);
            long rssBefore = system.rssKib("gateway-service");
            int fdsBefore = fds(pid);
            long slabBefore = slabKib();

            // -Dbench.idleJfr=FILE: a flight recording of the gateway over the sockets' opening, with the
            // reference chains of sampled live objects to the GC roots (jfr print --events OldObjectSample FILE).
            String jfr = System.getProperty("bench.idleJfr");
            if (jfr != null) {
                jcmd(pid, "JFR.start name=idle settings=profile");
            }
            Map<String, Long> cpuBefore = cpuTicks(system);
            Loader.Batch b = loader.open(n, i -> tokens[i / perUser], window);
            b.await(Duration.ofSeconds(300));
            Map<String, Long> cpuAfter = cpuTicks(system);
            Thread.sleep(settle * 1000L);
            if (jfr != null) {
                System.out.println(jcmd(pid, "JFR.dump name=idle path-to-gc-roots=true filename=" + Path.of(jfr).toAbsolutePath()));
            }

            Histogram after = Histogram.of(pid);
            long heapUsedAfter = heapUsed(pid);
            long rssAfter = system.rssKib("gateway-service");
            int fdsAfter = fds(pid);
            long slabAfter = slabKib();
            int held = loader.openCount();
            long[] lat = b.latencies();
            Arrays.sort(lat);
            Path dir = Files.createDirectories(Path.of("bench/target/idle"));
            String tag = build.replaceAll("[^A-Za-z0-9.-]+", "_");
            Files.writeString(dir.resolve(tag + "-before.histo"), before.raw);
            Files.writeString(dir.resolve(tag + "-after.histo"), after.raw);
            Result r = new Result(build, fdLimit, n, held, b.failed.get(), b.failureSummary(), b.closed.get(),
                    b.seconds(), b.seconds() == 0 ? 0 : b.opened.get() / b.seconds(), pct(lat, 50), pct(lat, 99),
                    before.total, after.total, heapUsedBefore, heapUsedAfter, rssBefore, rssAfter, fdsBefore, fdsAfter,
                    slabBefore, slabAfter, after.topDeltas(before, Math.max(1, held), 15),
                    perHandshake(cpuBefore, cpuAfter, b.opened.get() + b.failed.get()), busy(cpuBefore, cpuAfter));
            System.out.printf("[idle] %s: held %d, failed %d (%s), %.0f/s, heap %.0f B/socket, RSS %.0f B/socket%n", build, held,
                    r.failed(), r.failures(), r.rate(), r.heapPerSocket(), r.rssPerSocket());
            long hold = Long.getLong("bench.idleHoldSeconds", 0);
            if (hold > 0) {
                System.out.printf("[idle] holding the sockets %d s (gateway pid %d)%n", hold, pid);
                Thread.sleep(hold * 1000);
            }
            loader.closeAll();
            return r;
        }
    }

    /** The report section: a table per measure, both builds side by side, and the heaviest classes per socket. */
    static List<String> report(List<Result> results) {
        List<String> out = new ArrayList<>();
        if (results.isEmpty()) {
            return out;
        }
        Result first = results.get(0);
        out.add("| build | sockets held (asked) | failed | opened in | handshakes/s | handshake p50 / p99 | heap per socket | RSS per socket "
                + "| kernel slab per socket | gateway fds before / after |");
        out.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            out.add(String.format("| %s | %d (%d) | %d%s | %.1f s | %.0f | %.0f / %.0f ms | %.2f KB | %.2f KB | %.2f KB | %d / %d |",
                    r.build(), r.held(), r.asked(), r.failed(), r.failed() == 0 ? "" : " (" + r.failures() + ")", r.openSeconds(), r.rate(),
                    r.p50Millis(), r.p99Millis(), r.heapPerSocket() / 1024, r.rssPerSocket() / 1024, r.slabPerSocket() / 1024,
                    r.fdsBefore(), r.fdsAfter()));
        }
        out.add("");
        out.add("KB = 1024 bytes. Heap: live objects after a full GC (`jcmd GC.class_histogram` total), with and without the sockets, "
                + "divided by the sockets held. RSS: VmRSS after that GC, same difference. Open-file limit per process: " + first.fdLimit()
                + ". Heap in use after the GC as the JVM reports it (regions, not objects), before → after:");
        for (Result r : results) {
            out.add(String.format("%s %.1f → %.1f MiB (%.2f KB per socket);", r.build(), r.heapUsedBefore() / 1048576.0,
                    r.heapUsedAfter() / 1048576.0, r.held() == 0 ? 0 : (r.heapUsedAfter() - r.heapUsedBefore()) / 1024.0 / r.held()));
        }
        out.add("");
        out.add("CPU per handshake while the sockets opened (utime + stime from `/proc/<pid>/stat` over the opening, divided by the "
                + "handshakes; the load generator is this JVM, `machine busy` is the share of both cores busy over the opening, "
                + "whoever used them):");
        out.add("");
        out.add("| build | " + String.join(" | ", first.cpuMillisPerHandshake().keySet()) + " | machine busy |");
        out.add("| --- |" + " ---: |".repeat(first.cpuMillisPerHandshake().size() + 1));
        for (Result r : results) {
            StringBuilder row = new StringBuilder("| " + r.build() + " |");
            r.cpuMillisPerHandshake().values().forEach(v -> row.append(String.format(" %.2f ms |", v)));
            out.add(row + String.format(" %.0f%% |", 100 * r.machineBusy()));
        }
        out.add("");
        for (Result r : results) {
            out.add("What one idle socket holds on the heap, " + r.build() + " (the classes that grew most, bytes and objects per socket):");
            out.add("");
            out.add("| class | bytes per socket | objects per socket |");
            out.add("| --- | ---: | ---: |");
            for (String[] c : r.topClasses()) {
                out.add("| `" + c[0] + "` | " + c[1] + " | " + c[2] + " |");
            }
            out.add("");
        }
        return out;
    }

    // ---- A/B on its own ------------------------------------------------------------------------

    /**
     * Runs the measurement on a baseline build (when {@code -Dbench.baseline=DIR}) and on this one, one after
     * the other with the same settings, and writes the report section to {@code args[1]}.
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path out = Path.of(args.length > 1 ? args[1] : "bench/target/idle/report.md");
        int asked = Integer.getInteger("bench.idleConnections", 19_000);
        String database = System.getProperty("bench.database", "idle");
        List<String[]> builds = new ArrayList<>();
        String baseline = System.getProperty("bench.baseline", "");
        if (!baseline.isBlank()) {
            builds.add(new String[] {System.getProperty("bench.baselineLabel", "baseline"), Path.of(baseline).toAbsolutePath().toString()});
        }
        builds.add(new String[] {System.getProperty("bench.label", "this build"), root.toString()});
        Map<String, String> env = new HashMap<>(Map.of("LOG_LEVEL", "WARN"));
        List<Result> results = new ArrayList<>();
        for (String[] build : builds) {
            resetDatabases(database);
            Launcher system = new Launcher(Path.of(build[1]), root.resolve("bench/target/run-idle"), database, env);
            Thread hook = new Thread(system::stopAll);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                system.startAll(Duration.ofSeconds(120));
                results.add(measure(system, build[0], asked));
            } finally {
                system.stopAll();
                Runtime.getRuntime().removeShutdownHook(hook);
                try {
                    Baselines.redisDeletePrefix(System.getenv().getOrDefault("REDIS_HOST", "localhost"),
                            Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")), System.getenv("REDIS_PASSWORD"),
                            system.redisPrefix);
                } catch (IOException | RuntimeException e) {
                    System.out.println("could not delete the Redis keys of " + system.redisPrefix + ": " + e);
                }
            }
        }
        List<String> lines = report(results);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, String.join("\n", lines) + "\n");
        lines.forEach(System.out::println);
        System.out.println("wrote " + out);
    }

    private static void resetDatabases(String database) throws Exception {
        String url = "jdbc:mysql://" + System.getenv().getOrDefault("DB_HOST", "localhost") + ":"
                + System.getenv().getOrDefault("DB_PORT", "3306") + "/";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, System.getenv().getOrDefault("DB_USERNAME", "im"),
                System.getenv().getOrDefault("DB_PASSWORD", "")); java.sql.Statement st = c.createStatement()) {
            for (String db : List.of("im_auth_" + database, "im_message_" + database)) {
                st.executeUpdate("DROP DATABASE IF EXISTS `" + db + "`");
                st.executeUpdate("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
        }
    }

    // ---- readings ----------------------------------------------------------------------------

    static long fdLimit() {
        try {
            return Long.parseLong(new String(new ProcessBuilder("sh", "-c", "ulimit -n").start().getInputStream().readAllBytes()).trim());
        } catch (IOException | NumberFormatException e) {
            return 20_000;
        }
    }

    static int fds(long pid) {
        String[] list = Path.of("/proc/" + pid + "/fd").toFile().list();
        return list == null ? -1 : list.length;
    }

    /** Slab memory of the kernel (sockets, their inodes and files are there), KiB. */
    static long slabKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("Slab:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Heap in use right after a full GC, as the JVM reports it (GC.heap_info: "used" of the whole heap), bytes. */
    static long heapUsed(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(Arrays.asList(command.split(" ")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void awaitOpenConnections(Launcher system, long expected, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String body;
            try {
                body = http.send(HttpRequest.newBuilder(URI.create(system.managementUrl("gateway-service") + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                // a baseline from before the management port serves its metrics on the service port
                body = http.send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            for (String l : body.split("\n")) {
                if (l.startsWith("im_gateway_connections_open") && (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == expected) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        System.out.println("[idle] the gateway still counts connections after the warm-up");
    }

    /** A class histogram of live objects (the jcmd runs a full GC first). */
    static final class Histogram {
        final String raw;
        final long total;
        final Map<String, long[]> byClass = new HashMap<>();

        private Histogram(String raw) {
            this.raw = raw;
            long t = 0;
            for (String line : raw.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } else if (f.length >= 3 && f[0].equals("Total")) {
                    t = Long.parseLong(f[2]);
                }
            }
            this.total = t;
        }

        static Histogram of(long pid) throws IOException, InterruptedException {
            return new Histogram(jcmd(pid, "GC.class_histogram"));
        }

        /** The classes whose live bytes grew most: name, bytes per socket, objects per socket. */
        List<String[]> topDeltas(Histogram before, int sockets, int limit) {
            Map<String, long[]> delta = new TreeMap<>();
            byClass.forEach((name, v) -> {
                long[] b = before.byClass.getOrDefault(name, new long[2]);
                delta.put(name, new long[] {v[0] - b[0], v[1] - b[1]});
            });
            List<Map.Entry<String, long[]>> sorted = new ArrayList<>(delta.entrySet());
            sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
            List<String[]> out = new ArrayList<>();
            for (Map.Entry<String, long[]> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
                out.add(new String[] {e.getKey(), String.format("%.0f", e.getValue()[1] / (double) sockets),
                        String.format("%.2f", e.getValue()[0] / (double) sockets)});
            }
            return out;
        }
    }

    private static double pct(long[] sortedNanos, int p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }

    /** utime + stime of every service, this JVM (the load generator), MariaDB and Redis, and the machine's busy ticks. */
    static Map<String, Long> cpuTicks(Launcher system) {
        Map<String, Long> t = new LinkedHashMap<>();
        for (String service : Launcher.SERVICES) {
            t.put(service.replace("-service", ""), ticks(system.pid(service)));
        }
        t.put("load generator", ticks(ProcessHandle.current().pid()));
        t.put("mariadbd + redis", ticksOf("mariadbd") + ticksOf("redis-server"));
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long all = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                all += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            t.put("#busy", busy);
            t.put("#all", all);
        } catch (IOException | RuntimeException e) {
            t.put("#busy", 0L);
            t.put("#all", 1L);
        }
        return t;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ticksOf(String name) {
        return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/" + name)).orElse(false))
                .mapToLong(p -> ticks(p.pid())).sum();
    }

    private static Map<String, Double> perHandshake(Map<String, Long> before, Map<String, Long> after, int handshakes) {
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (String k : before.keySet()) {
            if (!k.startsWith("#")) {
                double ms = (after.get(k) - before.get(k)) * 10.0 / Math.max(1, handshakes); // USER_HZ = 100
                out.put(k, ms);
                total += ms;
            }
        }
        out.put("sum", total);
        return out;
    }

    private static double busy(Map<String, Long> before, Map<String, Long> after) {
        long all = after.get("#all") - before.get("#all");
        return all <= 0 ? 0 : (after.get("#busy") - before.get("#busy")) / (double) all;
    }

    // ---- tokens ------------------------------------------------------------------------------

    static PrivateKey privateKey(Path pem) throws Exception {
        String b64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** An access token with the claims auth-service issues, valid for an hour. */
    static String token(PrivateKey key, String issuer, long userId) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = System.currentTimeMillis() / 1000;
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = String.format("{\"iss\":\"%s\",\"sub\":\"%d\",\"username\":\"idle%d\",\"sid\":\"%s\",\"jti\":\"%s\",\"iat\":%d,\"exp\":%d}",
                issuer, userId, userId, UUID.randomUUID(), UUID.randomUUID(), now, now + 3600);
        String body = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(body.getBytes(StandardCharsets.US_ASCII));
            return body + "." + b64.encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the client ------------------------------------------------------------------------

    /**
     * Many WebSocket client connections on one selector thread: the upgrade request, the 101, pongs to
     * the server's pings, close frames counted; every other frame is read and dropped.
     */
    static final class Loader implements AutoCloseable {

        private static final int CONNECTING = 0, HANDSHAKE = 1, OPEN = 2;
        /** -Dbench.idleTokenIn=query: the token as {@code ?token=} and no other header (default: a browser's handshake). */
        private static final boolean QUERY_TOKEN = "query".equals(System.getProperty("bench.idleTokenIn"));
        private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

        private final InetSocketAddress address;
        private final String host;
        private final Selector selector;
        private final Thread thread;
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        private final List<Conn> conns = new ArrayList<>();
        private final AtomicInteger open = new AtomicInteger();
        private volatile boolean running = true;
        private Batch batch;
        private long lastExpiry;

        /** A set of sockets being opened: counts, latencies, failures. */
        static final class Batch {
            final int size;
            final java.util.function.IntFunction<String> tokens;
            final int window;
            final long[] latency;
            final AtomicInteger opened = new AtomicInteger();
            final AtomicInteger failed = new AtomicInteger();
            final AtomicInteger closed = new AtomicInteger();
            final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            final CountDownLatch done = new CountDownLatch(1);
            int next;
            int inFlight;
            long startNanos;
            volatile long endNanos;

            Batch(int size, java.util.function.IntFunction<String> tokens, int window) {
                this.size = size;
                this.tokens = tokens;
                this.window = window;
                this.latency = new long[size];
            }

            void await(Duration timeout) throws InterruptedException {
                if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.println("[idle] handshakes still under way after " + timeout);
                }
            }

            double seconds() {
                return endNanos == 0 ? 0 : (endNanos - startNanos) / 1e9;
            }

            long[] latencies() {
                return Arrays.stream(latency).filter(l -> l > 0).toArray();
            }

            String failureSummary() {
                StringBuilder sb = new StringBuilder();
                new TreeMap<>(failures).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(": ").append(v.get()));
                return sb.toString();
            }

            void fail(String why) {
                failed.incrementAndGet();
                failures.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
            }
        }

        private static final class Conn {
            final SocketChannel channel;
            final Batch batch;
            final int index;
            final long started = System.nanoTime();
            int state = CONNECTING;
            byte[] header = new byte[512];
            int headerLength;
            byte[] partial;

            Conn(SocketChannel channel, Batch batch, int index) {
                this.channel = channel;
                this.batch = batch;
                this.index = index;
            }
        }

        Loader(int port) throws IOException {
            this.address = new InetSocketAddress("127.0.0.1", port);
            this.host = "localhost:" + port;
            this.selector = Selector.open();
            this.thread = new Thread(this::loop, "idle-sockets");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        int openCount() {
            return open.get();
        }

        /** Starts opening {@code n} sockets, at most {@code window} handshakes at a time. */
        Batch open(int n, java.util.function.IntFunction<String> tokens, int window) {
            Batch b = new Batch(n, tokens, window);
            tasks.add(() -> {
                batch = b;
                b.startNanos = System.nanoTime();
                if (n == 0) {
                    b.endNanos = b.startNanos;
                    b.done.countDown();
                }
                fill();
            });
            selector.wakeup();
            return b;
        }

        /** Closes every socket (TCP close, no close handshake) and waits until done. */
        void closeAll() throws InterruptedException {
            CountDownLatch l = new CountDownLatch(1);
            tasks.add(() -> {
                for (Conn c : conns) {
                    closeQuietly(c);
                }
                conns.clear();
                open.set(0);
                l.countDown();
            });
            selector.wakeup();
            l.await(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            closeAll();
            running = false;
            selector.wakeup();
            thread.join(5000);
            selector.close();
        }

        private void fill() {
            Batch b = batch;
            while (b != null && b.inFlight < b.window && b.next < b.size) {
                int i = b.next++;
                b.inFlight++;
                try {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Conn c = new Conn(ch, b, i);
                    conns.add(c);
                    if (ch.connect(address)) {
                        connected(c);
                        ch.register(selector, SelectionKey.OP_READ, c);
                    } else {
                        ch.register(selector, SelectionKey.OP_CONNECT, c);
                    }
                } catch (IOException e) {
                    handshakeFailed(null, b, e.getClass().getSimpleName());
                }
            }
        }

        private void loop() {
            while (running) {
                try {
                    selector.select(100);
                    Runnable t;
                    while ((t = tasks.poll()) != null) {
                        t.run();
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        Conn c = (Conn) k.attachment();
                        try {
                            if (k.isValid() && k.isConnectable()) {
                                c.channel.finishConnect();
                                connected(c);
                                k.interestOps(SelectionKey.OP_READ);
                            } else if (k.isValid() && k.isReadable()) {
                                read(c);
                            }
                        } catch (IOException e) {
                            lost(c, e.getClass().getSimpleName());
                        }
                    }
                    selector.selectedKeys().clear();
                    expireHandshakes();
                    fill();
                } catch (IOException | RuntimeException e) {
                    System.out.println("[idle] client loop: " + e);
                }
            }
        }

        private void expireHandshakes() {
            Batch b = batch;
            long now = System.nanoTime();
            if (b == null || b.inFlight == 0 || now - lastExpiry < 1_000_000_000L) {
                return;
            }
            lastExpiry = now;
            long limit = System.nanoTime() - TimeUnit.SECONDS.toNanos(30);
            for (Conn c : conns) {
                if (c.state != OPEN && c.started < limit && c.channel.isOpen()) {
                    lost(c, "handshake timeout");
                }
            }
        }

        private void connected(Conn c) throws IOException {
            byte[] nonce = new byte[16];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(nonce);
            String token = c.batch.tokens.apply(c.index);
            String key = Base64.getEncoder().encodeToString(nonce);
            // What a browser running the web client sends (lib/im-client: new WebSocket(url, ['Bearer', token])).
            String request = QUERY_TOKEN
                    ? "GET /ws?token=" + token + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    : "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
                            + "User-Agent: " + USER_AGENT + "\r\nUpgrade: websocket\r\nOrigin: http://" + host + "\r\n"
                            + "Sec-WebSocket-Version: 13\r\nAccept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\n"
                            + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                            + "Sec-WebSocket-Protocol: Bearer, " + token + "\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                if (c.channel.write(out) == 0) {
                    Thread.onSpinWait();
                }
            }
            c.state = HANDSHAKE;
        }

        private void read(Conn c) throws IOException {
            in.clear();
            int r = c.channel.read(in);
            if (r < 0) {
                lost(c, "closed by the server");
                return;
            }
            in.flip();
            if (c.state == HANDSHAKE) {
                int n = in.remaining();
                if (c.headerLength + n > c.header.length) {
                    c.header = Arrays.copyOf(c.header, Math.max(c.header.length * 2, c.headerLength + n));
                }
                in.get(c.header, c.headerLength, n);
                c.headerLength += n;
                int end = indexOfBlankLine(c.header, c.headerLength);
                if (end < 0) {
                    return;
                }
                String status = new String(c.header, 0, Math.min(c.headerLength, 12), StandardCharsets.US_ASCII);
                if (!status.startsWith("HTTP/1.1 101")) {
                    lost(c, "HTTP " + status.substring(Math.min(9, status.length())).trim());
                    return;
                }
                Batch b = c.batch;
                b.latency[c.index] = System.nanoTime() - c.started;
                c.state = OPEN;
                open.incrementAndGet();
                b.opened.incrementAndGet();
                handshakeEnded(b);
                byte[] rest = Arrays.copyOfRange(c.header, end, c.headerLength);
                c.header = null;
                frames(c, ByteBuffer.wrap(rest));
            } else {
                frames(c, in);
            }
        }

        /** Reads the server's frames: answers pings, counts closes, drops everything else. */
        private void frames(Conn c, ByteBuffer data) throws IOException {
            ByteBuffer buf = data;
            if (c.partial != null) {
                ByteBuffer joined = ByteBuffer.allocate(c.partial.length + data.remaining());
                joined.put(c.partial).put(data).flip();
                buf = joined;
                c.partial = null;
            }
            while (buf.remaining() >= 2) {
                int start = buf.position();
                int b0 = buf.get() & 0xFF;
                int b1 = buf.get() & 0xFF;
                long len = b1 & 0x7F;
                if (len == 126) {
                    if (buf.remaining() < 2) {
                        buf.position(start);
                        break;
                    }
                    len = buf.getShort() & 0xFFFF;
                } else if (len == 127) {
                    if (buf.remaining() < 8) {
                        buf.position(start);
                        break;
                    }
                    len = buf.getLong();
                }
                if (buf.remaining() < len) {
                    buf.position(start);
                    break;
                }
                byte[] payload = new byte[(int) len];
                buf.get(payload);
                int opcode = b0 & 0x0F;
                if (opcode == 0x9) {
                    ByteBuffer pong = ByteBuffer.allocate(6 + payload.length);
                    pong.put((byte) 0x8A).put((byte) (0x80 | payload.length)).putInt(0).put(payload).flip();
                    c.channel.write(pong);
                } else if (opcode == 0x8) {
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    lost(c, "closed " + code);
                    return;
                }
            }
            if (buf.hasRemaining()) {
                c.partial = new byte[buf.remaining()];
                buf.get(c.partial);
            }
        }

        private static int indexOfBlankLine(byte[] b, int length) {
            for (int i = 3; i < length; i++) {
                if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        /** A socket ended: a failed handshake, or an open socket closed (counted against its batch either way). */
        private void lost(Conn c, String why) {
            boolean wasOpen = c.state == OPEN;
            closeQuietly(c);
            if (wasOpen) {
                c.state = -1;
                open.decrementAndGet();
                c.batch.closed.incrementAndGet();
                c.batch.failures.computeIfAbsent("open, then " + why, k -> new AtomicInteger()).incrementAndGet();
            } else if (c.state != -1) {
                c.state = -1;
                handshakeFailed(c, c.batch, why);
            }
        }

        private void handshakeFailed(Conn c, Batch b, String why) {
            b.fail(why);
            handshakeEnded(b);
        }

        private void handshakeEnded(Batch b) {
            b.inFlight--;
            if (b.opened.get() + b.failed.get() == b.size) {
                b.endNanos = System.nanoTime();
                b.done.countDown();
            }
        }

        private static void closeQuietly(Conn c) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // gone anyway
            }
        }
    }
}
