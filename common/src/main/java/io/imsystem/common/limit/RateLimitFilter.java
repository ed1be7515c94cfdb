package io.imsystem.common.limit;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.http.ClientAddress;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The {@link RateLimit} of a REST route: takes the caller's token before the route runs (429 with
 * Retry-After when there is none) and puts the bucket's X-RateLimit-* headers on every answer of it.
 */
public class RateLimitFilter {

    public static final String LIMIT = "X-RateLimit-Limit";
    public static final String REMAINING = "X-RateLimit-Remaining";
    public static final String RESET = "X-RateLimit-Reset";
    private static final String DECISION = RateLimitFilter.class.getName() + ".decision";

    private final Map<Method, RateLimit> limits = new ConcurrentHashMap<>();

    @Inject
    RateLimiter limiter;

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    ClientAddress clientAddress;

    @ServerRequestFilter
    public Uni<Response> take(ContainerRequestContext ctx, ResourceInfo info, HttpServerRequest http) {
        RateLimit limit = info.getResourceMethod() == null ? null : limits.computeIfAbsent(info.getResourceMethod(), RateLimitFilter::limitOf);
        if (limit == null || limit.value().isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        Uni<String> subject = limit.by() == RateLimit.By.ADDRESS
                ? Uni.createFrom().item(RateLimiter.address(clientAddress.of(http)))
                : identities.getDeferredIdentity().map(RateLimitFilter::userOf);
        return subject.chain(s -> s == null ? Uni.createFrom().nullItem() : limiter.take(limit.value(), s).map(d -> {
            ctx.setProperty(DECISION, d);
            if (d.allowed()) {
                return null;
            }
            var refusal = d.refusal();
            Response.ResponseBuilder r = Response.status(429).type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Retry-After", refusal.retryAfterSeconds())
                    .entity(new ApiError(429, refusal.getMessage(), refusal.errorCode()));
            headers(d).forEach(r::header);
            return r.build();
        }));
    }

    @ServerResponseFilter
    public void report(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateLimiter.Decision d && d.known()) {
            MultivaluedMap<String, Object> h = response.getHeaders();
            headers(d).forEach((k, v) -> h.putSingle(k, v));
        }
    }

    private static Map<String, Object> headers(RateLimiter.Decision d) {
        if (!d.known()) {
            return Map.of();
        }
        return Map.of(LIMIT, d.limit(), REMAINING, d.remaining(), RESET, d.resetSeconds());
    }

    /** Users by the token's subject; an anonymous call is not counted here (the route refuses it with 401). */
    private static String userOf(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getSubject() == null) {
            return null;
        }
        try {
            return RateLimiter.user(Long.parseLong(jwt.getSubject()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static RateLimit limitOf(Method m) {
        RateLimit r = m.getAnnotation(RateLimit.class);
        if (r == null) {
            r = m.getDeclaringClass().getAnnotation(RateLimit.class);
        }
        // computeIfAbsent keeps no null: a route without a limit gets a marker with no name.
        return r != null ? r : NONE;
    }

    private static final RateLimit NONE = new RateLimit() {
        @Override
        public String value() {
            return "";
        }

        @Override
        public By by() {
            return By.USER;
        }

        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return RateLimit.class;
        }
    };
}
