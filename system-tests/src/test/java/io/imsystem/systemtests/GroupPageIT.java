package io.imsystem.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.bench.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Groups and friends on the gateway's web page, three users in Debian's headless Chromium driven
 * by playwright-core (browser/group-chat.mjs; scripts/test.sh installs both): a group is created,
 * its messages reach the group view and never a private one, a member leaves, a friend request is
 * accepted from the page and a block refuses a message. Screenshots land in system-tests/target/screenshots.
 */
class GroupPageIT {

    @Test
    void groupsAndFriendsInARealBrowser() throws Exception {
        Launcher system = SystemUnderTest.get();
        Path root = Path.of(System.getProperty("im.root", "..")).toAbsolutePath().normalize();
        Path browser = root.resolve("system-tests/browser");
        Path shots = Files.createDirectories(root.resolve("system-tests/target/screenshots"));
        Path log = root.resolve("system-tests/target/browser-group-test.log");
        assertTrue(Files.isDirectory(browser.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run scripts/test.sh (it runs npm ci in system-tests/browser)");
        Process node = new ProcessBuilder("node", "group-chat.mjs", system.gatewayUrl(), shots.toString())
                .directory(browser.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!node.waitFor(180, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            throw new AssertionError("the browser test did not finish in 3 minutes: " + Files.readString(log));
        }
        assertEquals(0, node.exitValue(), "browser test failed: " + Files.readString(log));
        for (String shot : new String[] {"group-new.png", "group-alice.png", "group-bob.png", "group-request.png", "group-friends.png"}) {
            assertTrue(Files.size(shots.resolve(shot)) > 1000, shot + " should be a real screenshot");
        }
    }
}
