package io.imsystem.systemtests;

import io.imsystem.bench.Launcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The four packaged services, started once per test JVM as real processes (prod profile) against
 * the real MariaDB (schemas im_auth_sys, im_message_sys) and Redis, and stopped when the JVM ends.
 */
public final class SystemUnderTest {

    private static Launcher instance;

    private SystemUnderTest() {
    }

    public static synchronized Launcher get() {
        if (instance == null) {
            Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
            // -Dim.system.database=x runs against im_auth_x and im_message_x (a second checkout beside this one).
            Launcher launcher = new Launcher(root, root.resolve("system-tests/target/system"), System.getProperty("im.system.database", "sys"),
                    Map.of("WS_HEARTBEAT_INTERVAL", "2s"));
            Runtime.getRuntime().addShutdownHook(new Thread(launcher::stopAll));
            try {
                launcher.startAll(Duration.ofSeconds(120));
            } catch (Exception e) {
                launcher.stopAll();
                throw new IllegalStateException("could not start the system: " + e.getMessage(), e);
            }
            instance = launcher;
        }
        return instance;
    }

    private static String secondGateway;

    /** A second gateway process beside the first (same services, its own gateway id), started on first use. */
    public static synchronized String secondGateway() throws Exception {
        Launcher launcher = get();
        if (secondGateway == null) {
            String name = launcher.addGateway();
            launcher.start(name);
            launcher.awaitReady(name, Duration.ofSeconds(120));
            secondGateway = name;
        }
        return secondGateway;
    }
}
