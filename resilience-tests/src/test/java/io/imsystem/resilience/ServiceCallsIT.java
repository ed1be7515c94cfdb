package io.imsystem.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every internal route of every service, called from outside the gateway as a compromised pod or a
 * tricked one would (docs/SECURITY.md, "Network edge and service calls"): with no service token, a
 * forged one (another key), an expired one (the real key), one of a service that may not call the
 * route, and one minted for another user or another body. Each answers 401 or 403 and does nothing;
 * the same call with the right token works, so the refusals are the credential's.
 */
class ServiceCallsIT {

    static final String GATEWAY = "gateway-service";
    static final String MESSAGE = "message-service";
    static final String PRESENCE = "presence-service";
    static final String AUTH = "auth-service";

    static Cluster cluster;
    static String gw;
    static Api.User alice;
    static Api.User bob;

    @BeforeAll
    static void start() {
        cluster = Cluster.get();
        gw = cluster.url(cluster.gatewayA);
        alice = Api.register(gw, "sc");
        bob = Api.register(gw, "sc");
    }

    /** One way to present a credential, and the status it must get. */
    record Attempt(String name, int status, Function<Route, String> token) {
    }

    /** An internal route: where, who may call it, for whom (0: no one user), and its body. */
    record Route(String service, String method, String path, String caller, long actsFor, byte[] body) {
        String url() {
            return cluster.launcher.serviceUrl(service) + path;
        }
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String key(String service) {
        return cluster.launcher.serviceKey(service);
    }

    /** A valid token of {@code issuer} for the route (bound to its body when it has one). */
    static String valid(Route r, String issuer, long user) {
        return Tokens.service(issuer, r.service(), user, r.body(), now(), now() + 60, key(issuer));
    }

    static List<Attempt> attempts(Route r) {
        List<Attempt> out = new ArrayList<>();
        out.add(new Attempt("none", 401, x -> null));
        out.add(new Attempt("a name (X-Service alone)", 401, x -> null));
        out.add(new Attempt("garbage", 401, x -> "not-a-token"));
        out.add(new Attempt("forged (another key)", 401, x -> Tokens.service(x.caller(), x.service(), x.actsFor(), x.body(), now(), now() + 60,
                "an-attackers-key-" + UUID.randomUUID())));
        out.add(new Attempt("expired (the real key)", 401, x -> Tokens.service(x.caller(), x.service(), x.actsFor(), x.body(), now() - 180,
                now() - 120, key(x.caller()))));
        out.add(new Attempt("a user's access token", 401, x -> alice.token()));
        // a valid token of a service that may not call this route (one whose key the target holds: 403)
        String other = switch (r.service()) {
            case PRESENCE -> PRESENCE;
            case MESSAGE -> r.caller().equals(GATEWAY) ? PRESENCE : GATEWAY;
            default -> r.caller().equals(GATEWAY) ? MESSAGE : GATEWAY;
        };
        out.add(new Attempt("valid, but of " + other, 403, x -> valid(x, other, x.actsFor())));
        if (r.service().equals(PRESENCE)) {
            // presence holds no key of message: message's real token is not even verified
            out.add(new Attempt("valid, but of message-service (whose key presence does not hold)", 401, x -> valid(x, MESSAGE, x.actsFor())));
        }
        out.add(new Attempt("valid, but addressed to another service", 403,
                x -> Tokens.service(x.caller(), x.service().equals(AUTH) ? MESSAGE : AUTH, x.actsFor(), x.body(), now(), now() + 60, key(x.caller()))));
        if (r.actsFor() > 0) {
            out.add(new Attempt("valid, but minted for another user", 403, x -> valid(x, x.caller(), x.actsFor() == alice.id() ? bob.id() : alice.id())));
            out.add(new Attempt("valid, but for no user", 403, x -> valid(x, x.caller(), 0)));
        }
        if (r.body() != null) {
            out.add(new Attempt("valid, but bound to another body", 403,
                    x -> Tokens.service(x.caller(), x.service(), 0, "{\"items\":[]}".getBytes(StandardCharsets.UTF_8), now(), now() + 60, key(x.caller()))));
            out.add(new Attempt("valid, but bound to no body", 403, x -> Tokens.service(x.caller(), x.service(), 0, null, now(), now() + 60, key(x.caller()))));
        }
        return out;
    }

    static Api.Resp call(Route r, String token, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        headers.put("X-Service", r.caller());
        if (token != null) {
            headers.put("X-Service-Token", token);
        }
        String body = r.body() == null ? null : new String(r.body(), StandardCharsets.UTF_8);
        return Api.call(cluster.launcher.serviceUrl(r.service()), r.method(), r.path(), null, body, Duration.ofSeconds(10), headers);
    }

    /** Every attempt is refused with its status and no data; returns how many were made. */
    static int refused(Route r, Map<String, String> extra) {
        int n = 0;
        for (Attempt a : attempts(r)) {
            Api.Resp resp = call(r, a.token().apply(r), extra);
            assertEquals(a.status(), resp.status(), r.method() + " " + r.path() + " with " + a.name() + ": " + resp.body());
            assertTrue(resp.body().path("data").isMissingNode() || resp.body().path("data").isNull(),
                    r.path() + " with " + a.name() + " answered data: " + resp.body());
            n++;
        }
        return n;
    }

    @Test
    void everyInternalRouteRefusesCallsWithoutAValidServiceTokenAndDoesNothing() {
        List<String> report = new ArrayList<>();

        // auth: user lookups (message, presence), relations (message, for the sender), health (gateway)
        Route users = new Route(AUTH, "GET", "/internal/v1/users?ids=" + alice.id() + "," + bob.id(), MESSAGE, 0, null);
        report.add("auth users " + refused(users, Map.of()));
        assertEquals(2, call(users, valid(users, MESSAGE, 0), Map.of()).data().size());
        assertEquals(2, call(users, valid(users, PRESENCE, 0), Map.of()).data().size());
        Route relation = new Route(AUTH, "GET", "/internal/v1/relations?from=" + alice.id() + "&to=" + bob.id(), MESSAGE, alice.id(), null);
        report.add("auth relations " + refused(relation, Map.of()));
        assertEquals(200, call(relation, valid(relation, MESSAGE, alice.id()), Map.of()).status());
        for (String service : List.of(AUTH, MESSAGE, PRESENCE)) {
            Route health = new Route(service, "GET", "/internal/v1/health", GATEWAY, 0, null);
            report.add(service + " health " + refused(health, Map.of()));
            assertEquals("UP", call(health, valid(health, GATEWAY, 0), Map.of()).data().path("status").asText());
        }

        // message: peers (presence, for that user), batched frames (gateway, bound to the body)
        Route peers = new Route(MESSAGE, "GET", "/internal/v1/users/" + alice.id() + "/peers", PRESENCE, alice.id(), null);
        report.add("message peers " + refused(peers, Map.of()));
        assertEquals(200, call(peers, valid(peers, PRESENCE, alice.id()), Map.of()).status());
        String clientMsgId = "forged-" + UUID.randomUUID();
        byte[] frames = ("{\"items\":[{\"op\":\"chat\",\"user_id\":" + alice.id() + ",\"conn\":\"c-forged\",\"chat\":{\"receiver_id\":"
                + bob.id() + ",\"content\":\"forged send\",\"client_msg_id\":\"" + clientMsgId + "\"}}]}").getBytes(StandardCharsets.UTF_8);
        Route batch = new Route(MESSAGE, "POST", "/internal/v1/messages/batch", GATEWAY, 0, frames);
        report.add("message batch " + refused(batch, Map.of()));
        assertTrue(Api.timeline(gw, bob).stream().noneMatch(m -> m.path("content").asText().equals("forged send")), "nothing sent to bob");
        assertTrue(Api.timeline(gw, alice).isEmpty(), "nothing stored for alice");

        // presence: register a connection (gateway, with the user's token), close one (gateway, for its user)
        String conn = "sc-" + UUID.randomUUID();
        byte[] registration = ("{\"conn_id\":\"" + conn + "\",\"user_id\":" + bob.id() + ",\"gateway_id\":\"gw-outsider\"}")
                .getBytes(StandardCharsets.UTF_8);
        Route register = new Route(PRESENCE, "POST", "/internal/v1/connections", GATEWAY, 0, null);
        Map<String, String> bobsBearer = Map.of("Authorization", "Bearer " + bob.token(), "Content-Type", "application/json");
        int n = 0;
        for (Attempt a : attempts(register)) {
            Api.Resp resp = Api.call(cluster.launcher.serviceUrl(PRESENCE), "POST", "/internal/v1/connections", null,
                    new String(registration, StandardCharsets.UTF_8), Duration.ofSeconds(10), withToken(bobsBearer, a.token().apply(register)));
            assertEquals(a.status(), resp.status(), "register with " + a.name() + ": " + resp.body());
            n++;
        }
        report.add("presence register " + n);
        assertEquals(0, devices(bob), "bob has no connection");

        // a real registration (valid token and bob's own), then every way to close it that is not bob's
        Api.Resp ok = Api.call(cluster.launcher.serviceUrl(PRESENCE), "POST", "/internal/v1/connections", null,
                new String(registration, StandardCharsets.UTF_8), Duration.ofSeconds(10),
                withToken(bobsBearer, Tokens.service(GATEWAY, PRESENCE, 0, null, now(), now() + 60, key(GATEWAY))));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(1, devices(bob));
        Route close = new Route(PRESENCE, "DELETE", "/internal/v1/connections/" + conn, GATEWAY, bob.id(), null);
        report.add("presence close " + refused(close, Map.of()));
        assertEquals(1, devices(bob), "bob's connection is still open");
        assertEquals(200, call(close, valid(close, GATEWAY, bob.id()), Map.of()).status());
        assertEquals(0, devices(bob), "closed with the right token");

        // the gateway routes none of them
        for (String path : List.of("/internal/v1/health", "/internal/v1/users?ids=1", "/internal/v1/messages/batch")) {
            assertEquals(404, Api.call(gw, "GET", path, null, null).status(), path + " through the gateway");
        }
        Cluster.report("service calls: every internal route (auth users, relations, health; message peers, batch, health; presence "
                + "register, close, health) called from outside with no / garbage / forged / expired / user / other-service / "
                + "other-audience / other-user / other-body tokens -> 401 or 403, nothing stored, nothing closed: " + report);
    }

    private static Map<String, String> withToken(Map<String, String> headers, String token) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        if (token != null) {
            out.put("X-Service-Token", token);
        }
        return out;
    }

    private static int devices(Api.User user) {
        JsonNode data = Api.call(gw, "GET", "/api/v1/users/online/" + user.id(), user.token(), null).data();
        return data.path("devices").asInt(-1);
    }
}
