package io.imsystem.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One device of a user as a well-behaved client: a WebSocket through a gateway that acknowledges
 * what it receives (batched, well under the frame rate limit), remembers every seq it saw and, when
 * its connection drops, reconnects to a live gateway with {@code ?since_seq=} = the highest seq
 * below which it saw everything. It counts each message id per connection, so a message pushed
 * twice on one connection (what the server promises never happens) is seen.
 */
final class Device {

    private static final HttpClient[] CLIENTS = new HttpClient[4];
    private static final AtomicInteger NEXT_CLIENT = new AtomicInteger();
    /** Reconnections and other blocking work of many devices at once (the common pool has one thread on two cores). */
    static final java.util.concurrent.ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "device-worker");
        t.setDaemon(true);
        return t;
    });
    static final ScheduledExecutorService TIMERS = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "device-timer");
        t.setDaemon(true);
        return t;
    });

    static {
        for (int i = 0; i < CLIENTS.length; i++) {
            CLIENTS[i] = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        }
    }

    /** One connection: what it received, and how it ended. */
    final class Conn {
        final String gateway;
        final long sinceSeq;
        final Map<Long, Integer> chats = new ConcurrentHashMap<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final Set<Long> pendingAcks = ConcurrentHashMap.newKeySet();
        volatile WebSocket ws;
        volatile boolean closedByUs;

        Conn(String gateway, long sinceSeq) {
            this.gateway = gateway;
            this.sinceSeq = sinceSeq;
        }

        int duplicates() {
            return chats.values().stream().mapToInt(n -> n - 1).sum();
        }
    }

    final Api.User user;
    final List<Conn> conns = new ArrayList<>();
    /** Every seq (of this user's timeline) this device saw, on any connection. */
    final Set<Long> seqs = new ConcurrentSkipListSet<>();
    /** Ids of messages to this user that this device received, on any connection. */
    final Set<Long> received = ConcurrentHashMap.newKeySet();
    /** Open sends over this device's socket, by client_msg_id: completed with the ack or error frame. */
    final Map<String, CompletableFuture<JsonNode>> inflight = new ConcurrentHashMap<>();
    final AtomicInteger otherFrames = new AtomicInteger();
    final AtomicInteger reconnects = new AtomicInteger();
    /** Where to reconnect to after a drop (null: stay disconnected). */
    volatile Supplier<String> reconnectTo;
    volatile Conn conn;
    private final Cluster cluster;

    Device(Cluster cluster, Api.User user) {
        this.cluster = cluster;
        this.user = user;
    }

    /** The highest seq n such that this device saw 1..n. */
    long contiguousSeq() {
        long n = 0;
        for (long s : seqs) {
            if (s == n + 1) {
                n = s;
            } else if (s > n + 1) {
                break;
            }
        }
        return n;
    }

    boolean isOpen() {
        Conn c = conn;
        return c != null && c.ws != null && !c.closed.isDone();
    }

    /** Opens a connection (with since_seq when {@code resume}); throws when the handshake fails. */
    Conn connect(String gateway, boolean resume) throws Exception {
        long since = resume ? contiguousSeq() : -1;
        Conn c = new Conn(gateway, since);
        String path = "/ws?token=" + user.token() + (since >= 0 ? "&since_seq=" + since : "");
        HttpClient http = CLIENTS[Math.floorMod(NEXT_CLIENT.getAndIncrement(), CLIENTS.length)];
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(cluster.launcher.wsUrl(gateway, path)), new Listener(c))
                .get(30, TimeUnit.SECONDS);
        c.ws = ws;
        synchronized (conns) {
            conns.add(c);
        }
        conn = c;
        return c;
    }

    /** Connects, retrying until {@code deadline} (a gateway may be starting). */
    Conn connectRetrying(Supplier<String> gateway, boolean resume, long deadlineNanos) {
        Exception last = null;
        while (System.nanoTime() < deadlineNanos) {
            try {
                return connect(gateway.get(), resume);
            } catch (Exception e) {
                last = e;
                Api.sleep(200);
            }
        }
        throw new AssertionError("device of user " + user.id() + " could not reconnect", last);
    }

    /** Closes the current connection on our side (not a drop: no reconnect). */
    void disconnect() {
        Conn c = conn;
        if (c != null && c.ws != null) {
            c.closedByUs = true;
            c.ws.abort();
            c.closed.complete(-2);
        }
    }

    /** Sends a chat frame; the future completes with the ack or error frame, or fails if the socket drops. */
    CompletableFuture<JsonNode> sendChat(long to, String content, String clientMsgId) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Conn c = conn;
        if (c == null || c.ws == null || c.closed.isDone()) {
            answer.completeExceptionally(new IllegalStateException("not connected"));
            return answer;
        }
        inflight.put(clientMsgId, answer);
        String frame = Api.JSON.createObjectNode().put("type", "chat").put("to", to).put("content", content)
                .put("client_msg_id", clientMsgId).toString();
        try {
            synchronized (c) {
                c.ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            inflight.remove(clientMsgId);
            answer.completeExceptionally(e);
        }
        return answer;
    }

    void sendText(String text) throws Exception {
        Conn c = conn;
        synchronized (c) {
            c.ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        }
    }

    private void flushAcks(Conn c) {
        if (c.closed.isDone() || c.pendingAcks.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(c.pendingAcks);
        c.pendingAcks.removeAll(ids);
        for (int i = 0; i < ids.size(); i += 500) {
            String frame = Api.JSON.createObjectNode().put("type", "ack")
                    .set("msg_ids", Api.JSON.valueToTree(ids.subList(i, Math.min(ids.size(), i + 500)))).toString();
            try {
                synchronized (c) {
                    c.ws.sendText(frame, true).get(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                return; // dropped: the next connection gets them again
            }
        }
    }

    private void dropped(Conn c, int code) {
        if (!c.closed.complete(code)) {
            return;
        }
        for (var e : inflight.entrySet()) {
            if (inflight.remove(e.getKey(), e.getValue())) {
                e.getValue().completeExceptionally(new IllegalStateException("socket closed with " + code));
            }
        }
        Supplier<String> target = reconnectTo;
        if (!c.closedByUs && target != null && conn == c) {
            reconnects.incrementAndGet();
            WORKERS.execute(() -> {
                try {
                    connectRetrying(target, true, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
                } catch (AssertionError e) {
                    System.out.println(e.getMessage());
                }
            });
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final Conn c;
        private final StringBuilder partial = new StringBuilder();
        private java.util.concurrent.ScheduledFuture<?> acker;

        Listener(Conn c) {
            this.c = c;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            c.ws = webSocket;
            acker = TIMERS.scheduleWithFixedDelay(() -> flushAcks(c), 200, 200, TimeUnit.MILLISECONDS);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode f = Api.parse(partial.toString());
                partial.setLength(0);
                handle(f);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonNode f) {
            switch (f.path("type").asText()) {
                case "chat" -> {
                    long id = f.path("msg_id").asLong();
                    c.chats.merge(id, 1, Integer::sum);
                    if (f.path("seq").asLong() > 0) {
                        seqs.add(f.path("seq").asLong());
                    }
                    if (f.path("to").asLong() == user.id()) {
                        received.add(id);
                        c.pendingAcks.add(id);
                    }
                }
                case "ack" -> {
                    if (f.path("seq").asLong() > 0) {
                        seqs.add(f.path("seq").asLong());
                    }
                    CompletableFuture<JsonNode> answer = inflight.remove(f.path("client_msg_id").asText());
                    if (answer != null) {
                        answer.complete(f);
                    }
                }
                case "error" -> {
                    CompletableFuture<JsonNode> answer = inflight.remove(f.path("ref").asText());
                    if (answer != null) {
                        answer.complete(f);
                    } else {
                        otherFrames.incrementAndGet();
                    }
                }
                default -> otherFrames.incrementAndGet();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            stop();
            dropped(c, statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            stop();
            dropped(c, -1);
        }

        private void stop() {
            if (acker != null) {
                acker.cancel(false);
            }
        }
    }
}
