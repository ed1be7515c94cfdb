package io.imsystem.gateway.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    static ClientConnection conn(String id, long user, String session) {
        return new ClientConnection(id, user, "jti-" + id, session, "Bearer x", null, 10, 0);
    }

    @Test
    void aUserGetsAtMostTheCapAndAPlaceFreesWhenOneCloses() {
        ConnectionRegistry r = new ConnectionRegistry();
        ClientConnection a = conn("a", 1, "s");
        assertTrue(r.add(a, 2));
        assertTrue(r.add(conn("b", 1, "s"), 2));
        assertFalse(r.add(conn("c", 1, "s"), 2));
        assertTrue(r.add(conn("d", 2, "s"), 2), "the cap is per user");
        assertTrue(r.remove(a));
        assertFalse(r.remove(a), "removed once: one unregistration");
        assertTrue(r.add(conn("e", 1, "s"), 2));
        assertEquals(3, r.size());
        assertEquals(2, r.ofUser(1).size());
        assertEquals(0, r.ofUser(3).size());
    }

    @Test
    void handshakesAtOnceNeverTakeMoreThanTheCap() throws Exception {
        ConnectionRegistry r = new ConnectionRegistry();
        AtomicInteger added = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < 50; k++) {
                    if (r.add(conn(n + "-" + k, 9, "s"), 10)) {
                        added.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(10, added.get());
        assertEquals(10, r.ofUser(9).size());
    }

    @Test
    void theSocketsOfASessionAreFoundAcrossItsTokens() {
        ConnectionRegistry r = new ConnectionRegistry();
        r.add(conn("a", 1, "family-1"), 10);
        r.add(conn("b", 1, "family-1"), 10);
        r.add(conn("c", 1, "family-2"), 10);
        r.add(conn("d", 2, "family-1"), 10);
        assertEquals(List.of("a", "b"), r.ofSession(1, "family-1", null).stream().map(c -> c.id).sorted().toList());
        assertEquals(List.of("c"), r.ofSession(1, null, "jti-c").stream().map(c -> c.id).toList());
        assertEquals(3, r.ofSession(1, null, null).size());
    }

    @Test
    void anUnknownConnectionIsNotContained() {
        ConnectionRegistry r = new ConnectionRegistry();
        ClientConnection a = conn("a", 1, "s");
        assertFalse(r.contains(a));
        r.add(a, 1);
        assertTrue(r.contains(a));
        assertFalse(r.contains(conn("a", 1, "s")), "another connection under the same id is not this one");
    }
}
