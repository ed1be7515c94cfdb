package io.imsystem.systemtests;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The four packaged services started once per test JVM as real processes (prod profile), on free
 * ports, against the real MariaDB (schemas im_auth_sys, im_message_sys) and Redis (a key prefix of
 * their own), with a key pair generated for the run.
 */
public final class SystemUnderTest {

    private static SystemUnderTest instance;

    public final int gatewayPort;
    public final String gatewayId = "gw-sys-" + UUID.randomUUID().toString().substring(0, 6);
    public final String redisPrefix = "sys-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final Path root;
    private final Path work;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> commonEnv = new LinkedHashMap<>();

    public static synchronized SystemUnderTest get() {
        if (instance == null) {
            instance = new SystemUnderTest();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stopAll));
            instance.startAll();
        }
        return instance;
    }

    private SystemUnderTest() {
        root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
        work = root.resolve("system-tests/target/system");
        for (String service : List.of("auth-service", "message-service", "presence-service", "gateway-service")) {
            ports.put(service, freePort());
        }
        gatewayPort = ports.get("gateway-service");
    }

    public String gatewayUrl() {
        return "http://localhost:" + gatewayPort;
    }

    public String wsUrl(String path) {
        return "ws://localhost:" + gatewayPort + path;
    }

    public int port(String service) {
        return ports.get(service);
    }

    public Path logOf(String service) {
        return work.resolve(service + ".log");
    }

    private void startAll() {
        try {
            Files.createDirectories(work);
            writeKeyPair();
            commonEnv.put("QUARKUS_PROFILE", "prod");
            commonEnv.put("LOG_JSON", "false");
            commonEnv.put("IM_REDIS_KEY_PREFIX", redisPrefix);
            commonEnv.put("JWT_PUBLIC_KEY", work.resolve("keys/public.pem").toString());
            commonEnv.put("JWT_PRIVATE_KEY", work.resolve("keys/private.pem").toString());
            commonEnv.put("AUTH_URL", "http://localhost:" + ports.get("auth-service"));
            commonEnv.put("MESSAGE_URL", "http://localhost:" + ports.get("message-service"));
            commonEnv.put("PRESENCE_URL", "http://localhost:" + ports.get("presence-service"));
            commonEnv.put("IM_GATEWAY_ID", gatewayId);
            commonEnv.put("WS_HEARTBEAT_INTERVAL", "2s");
            for (String service : ports.keySet()) {
                start(service);
            }
            for (String service : ports.keySet()) {
                awaitReady(service, Duration.ofSeconds(90));
            }
        } catch (IOException | InterruptedException e) {
            stopAll();
            throw new IllegalStateException("could not start the system: " + e, e);
        }
    }

    /** Starts (or restarts) one service as its own process. */
    public void start(String service) throws IOException {
        Path jar = root.resolve(service + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
        }
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", jar.toString());
        pb.environment().putAll(commonEnv);
        pb.environment().put("SERVER_PORT", Integer.toString(ports.get(service)));
        pb.environment().put("LOG_FILE", work.resolve(service + ".log").toString());
        if (service.equals("auth-service")) {
            pb.environment().put("DB_DATABASE", "im_auth_sys");
        } else if (service.equals("message-service")) {
            pb.environment().put("DB_DATABASE", "im_message_sys");
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(work.resolve(service + ".out").toFile());
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

    public void awaitReady(String service, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create("http://localhost:" + ports.get(service) + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            Process p = processes.get(service);
            if (p != null && !p.isAlive()) {
                throw new IllegalStateException(service + " exited with " + p.exitValue() + "; see " + work.resolve(service + ".out"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(service + " not ready after " + timeout + "; see " + work.resolve(service + ".out"));
    }

    private void stopAll() {
        List<Process> all = new ArrayList<>(processes.values());
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    private void writeKeyPair() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path keys = Files.createDirectories(work.resolve("keys"));
            Files.writeString(keys.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(keys.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
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
