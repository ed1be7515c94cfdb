package io.imsystem.gateway.ws;

import io.imsystem.common.redis.Keys;
import io.imsystem.gateway.config.GatewayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decides every WebSocket handshake before the upgrade: the browser origin must be allowed (403),
 * the token valid and not revoked (401), {@code since_seq} a number (400).
 *
 * <p>The token is checked here (signature, issuer and expiry by smallrye-jwt's parser with the
 * {@code mp.jwt.verify.*} settings, then the revocation marker auth writes at logout), not through
 * Quarkus security: a socket opened with a {@code SecurityIdentity} makes websockets-next keep that
 * identity, the parsed token and the handshake's whole routing context (request, response, headers)
 * for the socket's life, plus an expiry timer of its own; the gateway needs only the few primitives
 * {@link ClientConnection} keeps (docs/ARCHITECTURE.md, "Connection state").
 */
@ApplicationScoped
public class UpgradeGuard implements HttpUpgradeCheck {


    private final Set<String> allowedOrigins;
    private final ChatSessions sessions;
    private final JWTParser parser;
    private final ReactiveKeyCommands<String> redisKeys;
    private final Keys keys;

    public UpgradeGuard(GatewayConfig config, ChatSessions sessions, JWTParser parser, ReactiveRedisDataSource redis, Keys keys) {
        this.sessions = sessions;
        this.parser = parser;
        this.redisKeys = redis.key();
        this.keys = keys;
        this.allowedOrigins = config.ws().allowedOrigins().stream().map(UpgradeGuard::normalize).collect(Collectors.toSet());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (origin != null && !originAllowed(origin, request)) {
            return CheckResult.rejectUpgrade(403);
        }
        Long since;
        try {
            String raw = request.getParam("since_seq");
            since = raw == null ? null : Long.valueOf(raw);
            if (since != null && since < 0) {
                return CheckResult.rejectUpgrade(400);
            }
        } catch (NumberFormatException e) {
            return CheckResult.rejectUpgrade(400);
        }
        // A refused token fails this Uni: common's HttpEdge answers it with the 401 envelope
        // (TOKEN_EXPIRED or TOKEN_INVALID), an unreachable Redis with 503, and never logs the URI.
        Token token = tokenOf(request);
        if (token == null) {
            return refused(new AuthenticationFailedException("no token"));
        }
        JsonWebToken jwt;
        long userId;
        try {
            jwt = parser.parse(token.text());
            userId = Long.parseLong(jwt.getSubject());
        } catch (ParseException | NumberFormatException | NullPointerException e) {
            return refused(new AuthenticationFailedException(e));
        }
        String jti = jwt.getTokenID();
        if (jti == null || jti.isBlank()) {
            return refused(new AuthenticationFailedException("token without jti"));
        }
        Object sid = jwt.getClaim("sid");
        // Only primitives and the token's text go on: the parsed token is not kept.
        ClientConnection c = sessions.newConnection(userId, jti, sid == null ? null : sid.toString(), token, jwt.getExpirationTime());
        return redisKeys.exists(keys.revoked(jti)).onItem().transformToUni(revoked -> {
            if (revoked) {
                return refused(new AuthenticationFailedException("token revoked"));
            }
            c.transport = request.connection();
            context.userData().put(ChatSessions.CONNECTION, c);
            if (since != null) {
                context.userData().put(ChatSessions.SINCE_SEQ, since);
            }
            // Live before the client sees the open: route registered, first offline page fetched (docs/ARCHITECTURE.md).
            return sessions.prepare(c).chain(() -> permit(context));
        });
    }

    private static Uni<CheckResult> refused(AuthenticationFailedException e) {
        return Uni.createFrom().failure(e);
    }

    /** Where a handshake's token is: the chars {@code [start, end)} of {@code source}, a header's or the query parameter's value. */
    record Token(String source, int start, int end) {
        String text() {
            return source.substring(start, end);
        }

        /** The token in {@code source} from {@code from} on, blanks around it left out; null when there is none. */
        static Token within(String source, int from, int to) {
            int start = from;
            int end = to;
            while (start < end && Character.isWhitespace(source.charAt(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(source.charAt(end - 1))) {
                end--;
            }
            return start == end ? null : new Token(source, start, end);
        }
    }

    /**
     * The access token of a handshake, where a client can put it: {@code Sec-WebSocket-Protocol: Bearer, <jwt>}
     * (what the web and JS clients send) or {@code Bearer <jwt>}, {@code Authorization: Bearer <jwt>}, or
     * {@code ?token=}. The connection keeps the header's own string (the handshake's headers are kept
     * for the socket's life anyway), not a copy of the token.
     */
    static Token tokenOf(HttpServerRequest request) {
        String query = request.getParam("token");
        if (query != null && !query.isBlank()) {
            return Token.within(query, 0, query.length());
        }
        String protocol = request.getHeader("Sec-WebSocket-Protocol");
        if (protocol != null) {
            int comma = protocol.indexOf(',');
            if (comma >= 0 && protocol.substring(0, comma).trim().equals("Bearer")) {
                int next = protocol.indexOf(',', comma + 1);
                return Token.within(protocol, comma + 1, next < 0 ? protocol.length() : next);
            }
            if (comma < 0 && protocol.startsWith("Bearer ")) {
                return Token.within(protocol, 7, protocol.length());
            }
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Token.within(authorization, 7, authorization.length());
        }
        return null;
    }

    private static Uni<CheckResult> permit(HttpUpgradeContext context) {
        // "Sec-WebSocket-Protocol: Bearer <jwt>" is one odd protocol name: answer it with itself.
        String protocol = context.httpRequest().getHeader("Sec-WebSocket-Protocol");
        if (protocol != null && protocol.startsWith("Bearer ") && !protocol.contains(",")) {
            return CheckResult.permitUpgrade(Map.of("Sec-WebSocket-Protocol", List.of(protocol)));
        }
        return CheckResult.permitUpgrade();
    }

    private boolean originAllowed(String origin, HttpServerRequest request) {
        String o = normalize(origin);
        if (allowedOrigins.contains(o) || allowedOrigins.contains("*")) {
            return true;
        }
        String host = request.getHeader("Host");
        // The page served by this gateway itself.
        return host != null && (o.equals("http://" + host.toLowerCase()) || o.equals("https://" + host.toLowerCase()));
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase();
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
