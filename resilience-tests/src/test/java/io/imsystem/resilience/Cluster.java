package io.imsystem.resilience;

import io.imsystem.bench.Launcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The system under test, started once per test JVM: a private Redis (child process, nothing on disk),
 * a TCP proxy in front of MariaDB (schemas im_auth_sys, im_message_sys, as the system tests), and
 * the four packaged services as real processes plus a second gateway, all pointed at them.
 */
final class Cluster {

    static final Duration START = Duration.ofSeconds(120);
    private static Cluster instance;

    final Launcher launcher;
    final RedisServer redis;
    final DbProxy db;
    /** The two gateway instances. */
    final String gatewayA = "gateway-service";
    final String gatewayB;
    final Path work;

    private static IllegalStateException startFailure;

    private Cluster(Path root) throws Exception {
        // Whatever gets started is stopped with the JVM, even when the start fails half-way.
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        work = root.resolve("resilience-tests/target/system");
        Files.createDirectories(work);
        Files.deleteIfExists(root.resolve("resilience-tests/target/reliability.txt"));
        redis = new RedisServer(freePort(), work.resolve("redis.log"));
        redis.start();
        String dbHost = System.getenv().getOrDefault("DB_HOST", "127.0.0.1");
        int dbPort = Integer.parseInt(System.getenv().getOrDefault("DB_PORT", "3306"));
        db = new DbProxy(freePort(), dbHost, dbPort);
        db.up();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REDIS_HOST", "127.0.0.1");
        env.put("REDIS_PORT", Integer.toString(redis.port));
        env.put("DB_HOST", "127.0.0.1");
        env.put("DB_PORT", Integer.toString(db.port));
        env.put("WS_HEARTBEAT_INTERVAL", "1s");
        // A slow reader is closed after this many unflushed frames (default 1000): a smaller number
        // lets the slow-client test fill it with a few hundred messages.
        env.put("WS_MAX_PENDING_FRAMES", "100");
        // Streams are trimmed every second (default 30 s), so MemoryIT sees Redis flat within a few seconds.
        env.put("STREAM_JANITOR_INTERVAL", "1s");
        // EdgeIT's reverse proxy connects to the gateways from this address: the only one whose X-Forwarded-For they believe.
        env.put("GATEWAY_TRUSTED_PROXIES", EdgeIT.PROXY_ADDRESS);
        // -Dim.extraEnv=K=V,K2=V2 adds settings for every service, e.g. to try a fix without a rebuild.
        for (String kv : System.getProperty("im.extraEnv", "").split(",")) {
            if (kv.contains("=")) {
                env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        // -Dim.servicesRoot=DIR runs the packaged services of another checkout (DIR/*/target/quarkus-app).
        Path services = Path.of(System.getProperty("im.servicesRoot", root.toString())).toAbsolutePath().normalize();
        launcher = new Launcher(services, work, System.getProperty("im.database", "sys"), env);
        gatewayB = launcher.addGateway();
        launcher.startAllAtOnce(START);
    }

    static synchronized Cluster get() {
        if (startFailure != null) {
            throw startFailure; // started once per JVM: the next test class does not try again
        }
        if (instance == null) {
            Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
            try {
                instance = new Cluster(root);
            } catch (Exception e) {
                startFailure = new IllegalStateException("could not start the system: " + e.getMessage(), e);
                throw startFailure;
            }
        }
        return instance;
    }

    String url(String gateway) {
        return launcher.gatewayUrl(gateway);
    }

    /** Restarts a service or gateway instance that was killed or stopped, and waits until it is ready. */
    void restart(String name) throws IOException, InterruptedException {
        if (launcher.isRunning(name)) {
            return;
        }
        launcher.start(name);
        launcher.awaitReady(name, START);
    }

    /** Everything running again after a test (a fault test leaves things as it found them). */
    void heal() throws Exception {
        db.up();
        if (!redis.ping()) {
            redis.kill();
            redis.start();
        }
        for (String s : Launcher.SERVICES) {
            restart(s);
        }
        restart(gatewayB);
    }

    /** One line of the reliability table's numbers, kept in target/reliability.txt and printed. */
    static synchronized void report(String line) {
        System.out.println("[reliability] " + line);
        Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
        Path file = root.resolve("resilience-tests/target/reliability.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not write " + file + ": " + e);
        }
    }

    private void stop() {
        if (launcher != null) {
            launcher.stopAll();
        }
        try {
            if (redis != null) {
                redis.kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (db != null) {
            db.close();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
