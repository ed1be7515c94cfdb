package io.imsystem.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.imsystem.bench.Launcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript client library's own tests (clients/js/test, node:test) against the packaged
 * services with two gateways: every REST route, the frames, a reconnect storm and a gateway killed
 * under the library (nothing lost, nothing told twice), a send during a disconnect delivered once,
 * and the compiled copy the web page loads matching the sources. The node tests kill and restart a
 * gateway through a small control endpoint served here (IM_CONTROL_URL). scripts/test.sh runs npm ci
 * in clients/js first; this test compiles the library and runs {@code node --test}.
 */
class ClientLibraryIT {

    @Test
    void libraryTestsAgainstTwoGateways() throws Exception {
        Launcher system = SystemUnderTest.get();
        String second = SystemUnderTest.secondGateway();
        Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
        Path lib = root.resolve("clients/js");
        Path log = Files.createDirectories(root.resolve("system-tests/target")).resolve("client-js-test.log");
        assertTrue(Files.isDirectory(lib.resolve("node_modules/typescript")),
                "the library's dev dependencies are not installed: run scripts/test.sh (it runs npm ci in clients/js)");
        HttpServer control = control(system);
        try {
            Files.writeString(log, "");
            deleteTree(lib.resolve("dist")); // nothing left from an older build: node --test runs every file under dist/test
            run(lib, log, List.of("node", "node_modules/typescript/bin/tsc", "-p", "."), null, 120);
            String gateways = system.gateways().stream().map(g -> g + "=" + system.gatewayUrl(g)).collect(Collectors.joining(","));
            String controlUrl = "http://127.0.0.1:" + control.getAddress().getPort();
            run(lib, log, List.of("node", "--test", "--test-concurrency=1", "dist/test/"),
                    new String[] {"IM_GATEWAYS", gateways, "IM_CONTROL_URL", controlUrl}, 600);
        } finally {
            control.stop(0);
            if (!system.isRunning(second)) {
                // a test that failed half way leaves the gateway it killed down: the next tests need it
                system.start(second);
                system.awaitReady(second, Duration.ofSeconds(120));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void run(Path dir, Path log, List<String> command, String[] env, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (env != null) {
            for (int i = 0; i < env.length; i += 2) {
                pb.environment().put(env[i], env[i + 1]);
            }
        }
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + Files.readString(log));
    }

    /** POST /kill/{gateway} kills a gateway process at once (as a crash would); POST /start/{gateway} starts it and waits until ready. */
    private static HttpServer control(Launcher system) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            int status = 200;
            String answer = "ok";
            try {
                if (parts.length != 3 || !system.gateways().contains(parts[2]) || !"POST".equals(exchange.getRequestMethod())) {
                    status = 404;
                    answer = "POST /kill/{gateway} or /start/{gateway}, gateways: " + system.gateways();
                } else if (parts[1].equals("kill")) {
                    system.kill(parts[2]);
                } else if (parts[1].equals("start")) {
                    if (!system.isRunning(parts[2])) {
                        system.start(parts[2]);
                    }
                    system.awaitReady(parts[2], Duration.ofSeconds(120));
                } else {
                    status = 404;
                    answer = "unknown action " + parts[1];
                }
            } catch (Exception e) {
                status = 500;
                answer = e.toString();
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
