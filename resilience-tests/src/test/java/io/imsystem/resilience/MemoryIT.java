package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imsystem.common.testing.WsTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis memory stays flat while long messages flow: the gateway stream's entries go once the gateway
 * has acknowledged them, and nothing acknowledged is lost.
 */
class MemoryIT {

    private static String redis(Cluster cluster, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(cluster.redis.port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    private static long usedMemory(Cluster cluster) throws IOException, InterruptedException {
        for (String line : redis(cluster, "INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new AssertionError("no used_memory in INFO");
    }

    @Test
    void longMessagesForAWhileLeaveRedisMemoryFlatAndNothingAcknowledgedIsLost() throws Exception {
        Cluster cluster = Cluster.get();
        String a = cluster.url(cluster.gatewayA);
        String b = cluster.url(cluster.gatewayB);
        Api.User alice = Api.register(b, "mem");
        Api.User bob = Api.register(b, "mem");
        String stream = cluster.launcher.redisPrefix + "im:gw:" + cluster.launcher.gatewayId(cluster.gatewayA);
        String content = "記".repeat(5000); // 15 KB of UTF-8, the longest content there is
        int rounds = 6;
        int perRound = 100;
        List<Long> memory = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        Set<Long> received = new TreeSet<>();
        try (WsTestClient socket = WsTestClient.open(cluster.launcher.wsUrl(cluster.gatewayA, "/ws?token=" + bob.token()))) {
            for (int round = 0; round < rounds; round++) {
                // 20 at a time, each read before the next: this run closes a socket 100 frames behind (WS_MAX_PENDING_FRAMES).
                for (int chunk = 0; chunk < perRound; chunk += 20) {
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        Api.Resp r = Api.send(b, alice, bob.id(), content, "mem-" + UUID.randomUUID());
                        assertEquals(200, r.status(), r.toString());
                        ids.add(r.data().path("id").asLong());
                    }
                    sent.addAll(ids);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!received.containsAll(ids) && System.nanoTime() < deadline && !socket.closeCode.isDone()) {
                        JsonNode f = socket.frames.poll(100, TimeUnit.MILLISECONDS);
                        if (f != null && "chat".equals(f.path("type").asText())) {
                            received.add(f.path("msg_id").asLong());
                        }
                    }
                    // One ack per chunk, as a client batches them: one frame per message would pass the
                    // socket's frames-per-second limit (WS_MAX_FRAMES_PER_SECOND) whenever delivery is quick.
                    socket.send(Map.of("type", "ack", "msg_ids", ids));
                    assertTrue(!socket.closeCode.isDone(), "bob's socket closed: " + socket.closeCode.getNow(-1));
                    assertTrue(received.containsAll(ids), "round " + round + ": bob got every message");
                }
                // The janitor runs every second here: wait (bounded) until the consumed entries are gone.
                long trimmed = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (Long.parseLong(redis(cluster, "XLEN", stream)) > 5 && System.nanoTime() < trimmed) {
                    Api.sleep(200);
                }
                memory.add(usedMemory(cluster));
            }
        }
        long stillThere = Long.parseLong(redis(cluster, "XLEN", stream));
        long growth = memory.get(rounds - 1) - memory.get(0);
        long sentAfterFirst = (long) (rounds - 1) * perRound * content.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(stillThere <= 5, "acknowledged entries trimmed: " + stillThere + " left");
        assertTrue(growth < 2L * 1024 * 1024, "Redis memory flat: " + memory + " (" + sentAfterFirst + " bytes of content sent after the first round)");
        // Nothing acknowledged is lost: every message is in bob's timeline.
        Set<Long> timeline = new TreeSet<>();
        for (JsonNode m : Api.timeline(a, bob)) {
            timeline.add(m.path("id").asLong());
        }
        assertTrue(timeline.containsAll(sent), "every acked send is in the receiver's timeline");
        Cluster.report("Redis memory: " + rounds + " rounds of " + perRound + " messages of 5000 characters (15 KB) to a reading, "
                + "acking client -> used_memory after each round " + memory + " (growth " + growth / 1024 + " KiB while "
                + sentAfterFirst / 1024 + " KiB more were sent); gateway stream " + stillThere + " entries; "
                + sent.size() + " sent, " + received.size() + " received, all in the timeline");
    }
}
