package io.imsystem.resilience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/** The public REST API through a gateway, with the JDK's client; never throws on an error status. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .executor(Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "api-http");
                t.setDaemon(true);
                return t;
            })).build();

    record User(long id, String name, String password, String token) {
    }

    /** An answer: status -1 when there was none (refused, reset, timed out). */
    record Resp(int status, JsonNode body, HttpResponse<String> raw, String failure) {
        JsonNode data() {
            return body.path("data");
        }

        String error() {
            return body.path("error").asText("");
        }

        @Override
        public String toString() {
            return status + " " + (failure != null ? failure : raw == null ? "" : raw.body());
        }
    }

    private Api() {
    }

    static Resp call(String base, String method, String path, String token, Object body) {
        return call(base, method, path, token, body, Duration.ofSeconds(20), Map.of());
    }

    static Resp call(String base, String method, String path, String token, Object body, Duration timeout,
            Map<String, String> headers) {
        try {
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
            if (text != null) {
                b.header("Content-Type", "application/json");
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            headers.forEach(b::header);
            b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), parse(r.body()), r, null);
        } catch (IOException e) {
            return new Resp(-1, MissingNode.getInstance(), null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Resp(-1, MissingNode.getInstance(), null, e.toString());
        }
    }

    static JsonNode parse(String text) {
        try {
            return text == null || text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    static User register(String base, String prefix) {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String password = "resilient-pw-" + name;
        for (int attempt = 0; ; attempt++) {
            Resp r = call(base, "POST", "/api/v1/users/register", null, Map.of("username", name, "password", password));
            if (r.status() == 200) {
                return new User(r.data().path("user").path("id").asLong(), name, password, r.data().path("access_token").asText());
            }
            if (attempt > 20) {
                throw new AssertionError("register failed: " + r);
            }
            sleep(250);
        }
    }

    /** Registers {@code n} users, a few at a time. */
    static List<User> registerAll(String base, String prefix, int n) {
        List<User> out = java.util.Collections.synchronizedList(new ArrayList<>());
        parallel(java.util.stream.IntStream.range(0, n).boxed().toList(), 8, i -> out.add(register(base, prefix)));
        return new ArrayList<>(out);
    }

    /** Runs {@code task} on every item, {@code threads} at a time; rethrows the first failure. */
    static <T> void parallel(java.util.Collection<T> items, int threads, java.util.function.Consumer<T> task) {
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.accept(item)));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Resp send(String base, User from, long to, String content, String clientMsgId) {
        return call(base, "POST", "/api/v1/messages/send", from.token(),
                Map.of("receiver_id", to, "content", content, "client_msg_id", clientMsgId), Duration.ofSeconds(20), Map.of());
    }

    /** The user's whole timeline (sent and received), by the sync route, oldest first. */
    static List<JsonNode> timeline(String base, User user) {
        List<JsonNode> out = new ArrayList<>();
        long after = 0;
        for (int attempt = 0; attempt < 200; ) {
            Resp r = call(base, "GET", "/api/v1/messages/sync?after_seq=" + after + "&limit=100", user.token(), null);
            if (r.status() != 200) {
                attempt++;
                sleep(200);
                continue;
            }
            for (JsonNode m : r.data().path("messages")) {
                out.add(m);
            }
            long next = r.data().path("next_seq").asLong(after);
            if (!r.data().path("has_more").asBoolean(false) || next <= after) {
                return out;
            }
            after = next;
        }
        throw new AssertionError("could not read the timeline of user " + user.id());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
