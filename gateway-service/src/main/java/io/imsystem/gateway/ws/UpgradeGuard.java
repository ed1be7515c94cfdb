package io.imsystem.gateway.ws;

import io.imsystem.gateway.config.GatewayConfig;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;
import io.smallrye.mutiny.Uni;

/**
 * Decides every WebSocket handshake before the upgrade: the browser origin must be allowed (403),
 * the token valid and not revoked (401), {@code since_seq} a number (400).
 */
@ApplicationScoped
public class UpgradeGuard implements HttpUpgradeCheck {

    private final Set<String> allowedOrigins;
    private final ChatSessions sessions;

    public UpgradeGuard(GatewayConfig config, ChatSessions sessions) {
        this.sessions = sessions;
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
        // A refused token fails this Uni; Quarkus then answers 401 in the envelope (common's HttpEdge).
        return context.securityIdentity().onItem().transformToUni(identity -> accept(context, identity, since));
    }

    private Uni<CheckResult> accept(HttpUpgradeContext context, SecurityIdentity identity, Long since) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return CheckResult.rejectUpgrade(401);
        }
        long userId;
        try {
            userId = Long.parseLong(jwt.getSubject());
        } catch (NumberFormatException | NullPointerException e) {
            return CheckResult.rejectUpgrade(401);
        }
        Object sid = jwt.getClaim("sid");
        ClientConnection c = sessions.newConnection(userId, jwt.getTokenID(), sid == null ? null : sid.toString(),
                "Bearer " + jwt.getRawToken(), jwt.getExpirationTime());
        c.transport = context.httpRequest().connection();
        context.userData().put(ChatSessions.CONNECTION, c);
        if (since != null) {
            context.userData().put(ChatSessions.SINCE_SEQ, since);
        }
        // Live before the client sees the open: route registered, first offline page fetched (docs/ARCHITECTURE.md).
        return sessions.prepare(c).chain(() -> permit(context));
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
