package io.imsystem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The benchmark's view of the public API: REST calls and WebSocket connections through the gateway. */
final class Client {

    static final ObjectMapper JSON = new ObjectMapper();

    record User(long id, String name, String token) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String ws;

    Client(String gatewayUrl) {
        this.base = gatewayUrl;
        this.ws = gatewayUrl.replaceFirst("^http", "ws");
    }

    User register() throws IOException, InterruptedException {
        String name = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
        JsonNode data = call("POST", "/api/v1/users/register", null, Map.of("username", name, "password", "bench-password-1"));
        return new User(data.path("user").path("id").asLong(), name, data.path("access_token").asText());
    }

    JsonNode call(String method, String path, User as, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (as != null) {
            b.header("Authorization", "Bearer " + as.token());
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("data");
    }

    /** Opens a socket whose every text frame goes to {@code onFrame} (on the client's thread). */
    CompletableFuture<WebSocket> connect(HttpClient client, User user, Consumer<JsonNode> onFrame) {
        return connect(client, user, onFrame, code -> {
        });
    }

    /** As above; {@code onClose} gets the close code the server sent. */
    CompletableFuture<WebSocket> connect(HttpClient client, User user, Consumer<JsonNode> onFrame, java.util.function.IntConsumer onClose) {
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                .buildAsync(URI.create(ws + "/ws?token=" + user.token()), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                onFrame.accept(JSON.readTree(partial.toString()));
                            } catch (IOException e) {
                                // counted as an error by the scenario if it matters
                            }
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                        onClose.accept(statusCode);
                        return null;
                    }
                });
    }
}
