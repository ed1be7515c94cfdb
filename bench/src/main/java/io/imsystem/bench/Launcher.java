package io.imsystem.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Starts the four packaged services as real processes (prod profile) on free ports, against the
 * real MariaDB and Redis, with a key pair generated for the run and a Redis key prefix of their own.
 * Used by the system tests and the benchmark.
 */
public final class Launcher {

    public static final List<String> SERVICES = List.of("auth-service", "message-service", "presence-service", "gateway-service");

    /**
     * The service keys each service holds (docs/SECURITY.md): its own, to sign its calls, and its callers',
     * to verify theirs; nothing else, as in compose and Kubernetes.
     */
    public static final Map<String, List<String>> SERVICE_KEYS = Map.of(
            "auth-service", List.of("SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE", "SERVICE_KEY_PRESENCE"),
            "message-service", List.of("SERVICE_KEY_MESSAGE", "SERVICE_KEY_GATEWAY", "SERVICE_KEY_PRESENCE"),
            "presence-service", List.of("SERVICE_KEY_PRESENCE", "SERVICE_KEY_GATEWAY"),
            "gateway-service", List.of("SERVICE_KEY_GATEWAY"));

    public final String gatewayId = "gw-" + UUID.randomUUID().toString().substring(0, 6);
    public final String redisPrefix = "run-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Path root;
    private final Path work;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    /** The management port (/q/health, /q/metrics) of each instance. */
    private final Map<String, Integer> managementPorts = new LinkedHashMap<>();
    /** This run's service keys, by variable (SERVICE_KEY_GATEWAY, ...). */
    private final Map<String, String> serviceKeys = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Long> readyMillis = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    /** Gateway instances (the first one, "gateway-service", and those of {@link #addGateway()}) and their ids. */
    private final Map<String, String> gatewayIds = new LinkedHashMap<>();

    /**
     * @param root     the repository root (the services' target/quarkus-app/ are under it)
     * @param work     where logs and the generated keys go
     * @param database suffix of the schemas: im_auth_{database}, im_message_{database}
     */
    public Launcher(Path root, Path work, String database, Map<String, String> extraEnv) {
        this.root = root;
        this.work = work;
        for (String service : SERVICES) {
            ports.put(service, freePort());
            managementPorts.put(service, freePort());
        }
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (String key : List.of("SERVICE_KEY_GATEWAY", "SERVICE_KEY_MESSAGE", "SERVICE_KEY_PRESENCE")) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            serviceKeys.put(key, java.util.HexFormat.of().formatHex(bytes));
        }
        env.put("QUARKUS_PROFILE", "prod");
        env.put("LOG_JSON", "false");
        env.put("IM_REDIS_KEY_PREFIX", redisPrefix);
        env.put("JWT_PUBLIC_KEY", work.resolve("keys/public.pem").toString());
        env.put("JWT_PRIVATE_KEY", work.resolve("keys/private.pem").toString());
        env.put("AUTH_URL", "http://localhost:" + ports.get("auth-service"));
        env.put("MESSAGE_URL", "http://localhost:" + ports.get("message-service"));
        env.put("PRESENCE_URL", "http://localhost:" + ports.get("presence-service"));
        env.put("IM_GATEWAY_ID", gatewayId);
        env.put("AUTH_DB", "im_auth_" + database);
        env.put("MESSAGE_DB", "im_message_" + database);
        // The harness registers and logs in thousands of users from loopback; abuse tests flood from 127.0.0.2 and up.
        env.put("RATE_LIMIT_EXEMPT_ADDRESSES", "127.0.0.1,::1");
        env.putAll(extraEnv);
        gatewayIds.put("gateway-service", env.get("IM_GATEWAY_ID"));
    }

    /**
     * Registers one more gateway instance (a second replica): its own free port and its own
     * {@code IM_GATEWAY_ID} (the first gateway's id + "-2", "-3", ...), the same backends. Start it
     * with {@link #start(String)} (or {@link #startAll(Duration)} when added before).
     *
     * @return the instance name, for {@link #start}, {@link #kill}, {@link #port}, {@link #wsUrl(String, String)}
     */
    public synchronized String addGateway() {
        int n = gatewayIds.size() + 1;
        String name = "gateway-service-" + n;
        ports.put(name, freePort());
        managementPorts.put(name, freePort());
        gatewayIds.put(name, gatewayIds.get("gateway-service") + "-" + n);
        return name;
    }

    /** Instance names of every gateway, the first one ("gateway-service") included. */
    public List<String> gateways() {
        return List.copyOf(gatewayIds.keySet());
    }

    /** The {@code IM_GATEWAY_ID} of a gateway instance. */
    public String gatewayId(String name) {
        String id = gatewayIds.get(name);
        if (id == null) {
            throw new IllegalArgumentException(name + " is not a gateway instance");
        }
        return id;
    }

    public String gatewayUrl(String name) {
        gatewayId(name);
        return "http://localhost:" + ports.get(name);
    }

    public String wsUrl(String name, String path) {
        gatewayId(name);
        return "ws://localhost:" + ports.get(name) + path;
    }

    /** The environment every instance starts with (extraEnv included); changes apply to the next start. */
    public Map<String, String> env() {
        return env;
    }

    /** Whether an instance's process is running. */
    public boolean isRunning(String name) {
        Process p = processes.get(name);
        return p != null && p.isAlive();
    }

    public int port(String service) {
        return ports.get(service);
    }

    /** The base URL of an instance's management port, where /q/health, /q/metrics and /q/openapi are. */
    public String managementUrl(String name) {
        return "http://localhost:" + managementPorts.get(name);
    }

    /**
     * The base URL of an instance's service port (a backend's own routes, /internal/** included: what a
     * caller inside the network reaches without the gateway).
     */
    public String serviceUrl(String name) {
        return "http://localhost:" + ports.get(name);
    }

    /** This run's key of a service ({@code gateway-service}, ...), as the services hold it. */
    public String serviceKey(String service) {
        return serviceKeys.get("SERVICE_KEY_" + service.replace("-service", "").toUpperCase(java.util.Locale.ROOT));
    }

    public String gatewayUrl() {
        return "http://localhost:" + ports.get("gateway-service");
    }

    public String wsUrl(String path) {
        return "ws://localhost:" + ports.get("gateway-service") + path;
    }

    /** Process id of a running service. */
    public long pid(String service) {
        return processes.get(service).pid();
    }

    /** Milliseconds from process start to a ready answer, per service, of the last start. */
    public Map<String, Long> readyMillis() {
        return readyMillis;
    }

    /**
     * Starts the services one after the other, each once the previous is ready, so that each one's
     * time to ready is its own and not a share of two cores among four starting JVMs.
     */
    public void startAll(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(work);
        writeKeyPair();
        for (String service : SERVICES) {
            long started = System.nanoTime();
            start(service);
            awaitReady(service, timeout);
            readyMillis.put(service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        for (String gateway : gatewayIds.keySet()) {
            if (!SERVICES.contains(gateway)) {
                long started = System.nanoTime();
                start(gateway);
                awaitReady(gateway, timeout);
                readyMillis.put(gateway, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }
    }

    /**
     * Starts every service and gateway instance at once and waits until all are ready: quicker for a
     * test run than {@link #startAll(Duration)}, but then no time to ready is any one service's own.
     */
    public void startAllAtOnce(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(work);
        writeKeyPair();
        List<String> all = new ArrayList<>(ports.keySet());
        for (String name : all) {
            start(name);
        }
        for (String name : all) {
            awaitReady(name, timeout);
        }
    }

    /** Starts (or restarts) one service, or a gateway instance of {@link #addGateway()}, as its own process. */
    public void start(String service) throws IOException {
        String module = gatewayIds.containsKey(service) ? "gateway-service" : service;
        if (!ports.containsKey(service)) {
            throw new IllegalArgumentException("unknown service " + service);
        }
        Path jar = root.resolve(module + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
        }
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx512m", "-jar", jar.toString());
        // Only the service keys this service holds (none inherited from the shell that runs the harness).
        pb.environment().keySet().removeIf(k -> k.startsWith("SERVICE_KEY_") || k.equals("INTERNAL_SECRET"));
        pb.environment().putAll(env);
        for (String key : SERVICE_KEYS.get(module)) {
            pb.environment().put(key, serviceKeys.get(key));
        }
        if (legacySecret(module)) {
            // A build from before the service keys (a benchmark's baseline): its shared secret instead.
            pb.environment().put("INTERNAL_SECRET", serviceKeys.get("SERVICE_KEY_GATEWAY"));
        }
        pb.environment().put("SERVER_PORT", Integer.toString(ports.get(service)));
        pb.environment().put("MANAGEMENT_PORT", Integer.toString(managementPorts.get(service)));
        pb.environment().put("LOG_FILE", work.resolve(service + ".log").toString());
        if (gatewayIds.containsKey(service)) {
            pb.environment().put("IM_GATEWAY_ID", gatewayIds.get(service));
        }
        if (service.equals("auth-service")) {
            pb.environment().put("DB_DATABASE", env.get("AUTH_DB"));
        } else if (service.equals("message-service")) {
            pb.environment().put("DB_DATABASE", env.get("MESSAGE_DB"));
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(service + ".out").toFile()));
        processes.put(service, pb.start());
    }

    /** Kills one service at once, as a crash would. */
    public void kill(String service) throws InterruptedException {
        Process p = processes.remove(service);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Stops one service gracefully (SIGTERM, as at a rolling restart), killing it after {@code timeout}. */
    public void stop(String service, Duration timeout) throws InterruptedException {
        Process p = processes.remove(service);
        if (p != null) {
            p.destroy();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
    }

    public void awaitReady(String service, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create(managementUrl(service) + "/q/health/ready");
        // A build from before the management port (a benchmark's baseline) answers on its service port.
        URI legacy = URI.create("http://localhost:" + ports.get(service) + "/q/health/ready");
        boolean tryLegacy = false;
        while (System.nanoTime() < deadline) {
            Process p = processes.get(service);
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException(service + " exited with " + p.exitValue() + "; see " + work.resolve(service + ".out"));
            }
            try {
                tryLegacy = !tryLegacy;
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(tryLegacy ? legacy : ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(service + " not ready after " + timeout + "; see " + work.resolve(service + ".out"));
    }

    /** Whether the packaged module still reads the former shared secret (im.internal.secret): a baseline build. */
    private boolean legacySecret(String module) {
        Path app = root.resolve(module + "/target/quarkus-app/app");
        try (var jars = Files.list(app)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                    var entry = zip.getEntry("application.properties");
                    if (entry != null) {
                        return new String(zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                                .contains("im.internal.secret=");
                    }
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public void stopAll() {
        List<Process> all = new ArrayList<>(processes.values());
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    /** Resident set size of a service's process, in KiB (Linux). */
    public long rssKib(String service) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid(service) + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private void writeKeyPair() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path keys = Files.createDirectories(work.resolve("keys"));
            Files.writeString(keys.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(keys.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
