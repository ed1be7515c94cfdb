package io.imsystem.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.bench.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two users chat through the gateway's web page in Debian's headless Chromium, driven by
 * playwright-core (scripts/test.sh installs both). Screenshots land in system-tests/target/.
 */
class WebPageIT {

    @Test
    void twoUsersChatInARealBrowser() throws Exception {
        Launcher system = SystemUnderTest.get();
        Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
        Path browser = root.resolve("system-tests/browser");
        Path shots = Files.createDirectories(root.resolve("system-tests/target/screenshots"));
        assertTrue(Files.isDirectory(browser.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/test.sh (it runs npm ci in system-tests/browser)");
        Process node = new ProcessBuilder("node", "two-users-chat.mjs", system.gatewayUrl(), shots.toString())
                .directory(browser.toFile()).redirectErrorStream(true)
                .redirectOutput(root.resolve("system-tests/target/browser-test.log").toFile()).start();
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "the browser test did not finish in 2 minutes");
        assertEquals(0, node.exitValue(), "browser test failed: " + Files.readString(root.resolve("system-tests/target/browser-test.log")));
        assertTrue(Files.size(shots.resolve("chat-alice.png")) > 1000);
        assertTrue(Files.size(shots.resolve("chat-bob.png")) > 1000);
    }
}
