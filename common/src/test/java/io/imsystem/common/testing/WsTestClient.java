package io.imsystem.common.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for tests (the JDK's) that collects the JSON frames it receives;
 * {@code reading = false} makes one that never reads, as a slow client.
 */
public final class WsTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** The reason of the server's close frame ("" when none; completed with the code). */
    public final CompletableFuture<String> closeReason = new CompletableFuture<>();
    public final WebSocket socket;

    public WsTestClient(URI uri, WebSocket.Builder builder, boolean reading) {
        this.socket = builder.connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                if (reading) {
                    webSocket.request(1);
                }
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        frames.add(JSON.readTree(partial.toString()));
                    } catch (JsonProcessingException e) {
                        frames.add(JSON.createObjectNode().put("type", "unparseable").put("text", partial.toString()));
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeReason.complete(reason == null ? "" : reason);
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeReason.complete("");
                closeCode.complete(-1);
            }
        }).join();
    }

    public static WsTestClient open(String url) {
        return new WsTestClient(URI.create(url), HttpClient.newHttpClient().newWebSocketBuilder(), true);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends an object (a Map, a record) as a JSON text frame. */
    public void send(Object frame) {
        try {
            send(JSON.writeValueAsString(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The next frame of this type, skipping others; fails after 10 s. */
    public JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode f = frames.poll(100, TimeUnit.MILLISECONDS);
            if (f != null && type.equals(f.path("type").asText())) {
                return f;
            }
        }
        throw new AssertionError("no " + type + " frame within 10 s");
    }

    /** Every frame that arrives within the window. */
    public List<JsonNode> drain(long millis) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                return out;
            }
            out.add(f);
        }
    }

    public int awaitClose() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
