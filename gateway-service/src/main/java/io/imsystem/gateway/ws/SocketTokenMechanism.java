package io.imsystem.gateway.ws;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the access token of a WebSocket handshake where browsers can put it: {@code ?token=} or
 * {@code Sec-WebSocket-Protocol: Bearer, <jwt>} / {@code Bearer <jwt>}. Only on the socket paths,
 * so a token in a query string is never accepted (nor forwarded) on REST routes.
 */
@ApplicationScoped
public class SocketTokenMechanism implements HttpAuthenticationMechanism {

    private static final Set<String> SOCKET_PATHS = Set.of("/ws", "/api/v1/ws");

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!SOCKET_PATHS.contains(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        String token = tokenOf(context);
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        AuthenticationRequest request = new TokenAuthenticationRequest(new JsonWebTokenCredential(token));
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    static String tokenOf(RoutingContext context) {
        String query = context.request().getParam("token");
        if (query != null && !query.isBlank()) {
            return query.trim();
        }
        String protocol = context.request().getHeader("Sec-WebSocket-Protocol");
        if (protocol == null) {
            return null;
        }
        String[] parts = protocol.split(",");
        if (parts.length >= 2 && parts[0].trim().equals("Bearer")) {
            return parts[1].trim();
        }
        if (parts.length == 1 && protocol.startsWith("Bearer ")) {
            return protocol.substring("Bearer ".length()).trim();
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, null, null));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
