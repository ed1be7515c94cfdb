package io.imsystem.common.http;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ErrorCodes;
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
import org.jboss.logging.MDC;

/**
 * What every service does at the HTTP edge, before and after its own routes: a request id on
 * every answer, and the error envelope where no REST resource answers (unknown route, body too large).
 */
@ApplicationScoped
public class HttpEdge {

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
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> {
            int status = rc.statusCode();
            if (status >= 400 && status < 600 && !rc.response().headWritten()) {
                String message = status == 413 ? "request body too large" : "request failed";
                write(rc, status, ErrorCodes.forStatus(status), message);
            } else {
                rc.next();
            }
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
