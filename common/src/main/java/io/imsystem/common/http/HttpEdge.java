package io.imsystem.common.http;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ErrorCodes;
import io.imsystem.common.api.ErrorMapper;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.configuration.MemorySize;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * What every service does at the HTTP edge, before and after its own routes: a request id on
 * every answer, and the error envelope where no REST resource answers (unknown route, body too large).
 */
@ApplicationScoped
public class HttpEdge {

    private static final Logger LOG = Logger.getLogger(HttpEdge.class);

    public static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final long maxBody;

    public HttpEdge(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
        this.maxBody = maxBody.asLongValue();
    }

    void requestIds(@Observes Filters filters) {
        filters.register(rc -> {
            String id = rc.request().getHeader(REQUEST_ID);
            if (id == null || !SAFE_ID.matcher(id).matches()) {
                id = UUID.randomUUID().toString();
                rc.request().headers().set(REQUEST_ID, id);
            }
            rc.response().putHeader(REQUEST_ID, id);
            MDC.put("requestId", id);
            // Vert.x refuses an over-size body with an empty 413; answer it here in the envelope.
            String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLarge(length)) {
                rc.response().putHeader(HttpHeaders.CONNECTION, "close");
                write(rc, 413, ErrorCodes.PAYLOAD_TOO_LARGE, "request body too large (limit " + maxBody + " bytes)");
                return;
            }
            rc.next();
        }, 1000);
    }

    void fallbacks(@Observes Router router) {
        // Every failure ends here, so none reaches Quarkus's default handler, which would log the
        // full URI (a socket's ?token= with it).
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> {
            if (rc.response().headWritten()) {
                if (!rc.response().ended()) {
                    rc.response().reset();
                }
                return;
            }
            Throwable down = ErrorMapper.unreachable(rc.failure());
            if (down != null) {
                // e.g. the revocation check of the token could not reach Redis: retry, not our bug.
                LOG.warnf("a store is unreachable: %s", down.getClass().getName());
                rc.response().putHeader("Retry-After", "1");
                write(rc, 503, ErrorCodes.UNAVAILABLE, "a backing store is unavailable, retry shortly");
                return;
            }
            if (rc.failure() instanceof AuthenticationFailedException) {
                rc.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(Json.encode(ErrorMapper.tokenError(rc.failure())));
                return;
            }
            int status = rc.statusCode();
            if (status < 400 || status > 599) {
                LOG.errorf(rc.failure(), "%s %s failed", rc.request().method(), rc.normalizedPath());
                status = 500;
            }
            String message = switch (status) {
                case 413 -> "request body too large";
                case 500 -> "internal error";
                default -> "request failed";
            };
            write(rc, status, ErrorCodes.forStatus(status), message);
        });
        router.route().order(Integer.MAX_VALUE).handler(rc -> write(rc, 404, ErrorCodes.NOT_FOUND, "no such route"));
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBody;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Ends the exchange with the error envelope. */
    public static void write(RoutingContext rc, int status, String code, String message) {
        rc.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.encode(new ApiError(status, message, code)));
    }
}
