package io.imsystem.gateway.ws;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Lets a socket forget its handshake's routing context. With lazy authentication Quarkus puts a
 * deferred identity into every request's context; websockets-next, seeing one, keeps that whole
 * routing context (request, response, headers, the identity's pending chain) in the connection for
 * its life. The socket paths need none of it ({@link UpgradeGuard} checks the token itself), so the
 * deferred identity is taken out of their requests after the security filters ran and before the
 * endpoint's route.
 */
@ApplicationScoped
public class HandshakeRoutes {

    void routes(@Observes Router router) {
        for (String path : new String[] {"/ws", "/api/v1/ws"}) {
            router.route(path).order(-5).handler(rc -> {
                rc.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
                rc.next();
            });
        }
    }
}
