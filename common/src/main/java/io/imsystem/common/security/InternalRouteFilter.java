package io.imsystem.common.security;

import io.imsystem.common.api.ApiError;
import io.imsystem.common.api.ApiException;
import io.imsystem.common.api.ErrorCodes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every route under {@code /internal/} of every service: 401 without a valid service token, 403 when it
 * is addressed to another service, comes from a service the route's {@link InternalRoute} does not name,
 * or the route has no {@link InternalRoute}. The verified {@link InternalCredential.Caller} is then the
 * request's {@link #CALLER} property, for a route that checks whom the call acts for.
 */
public class InternalRouteFilter {

    /** The request property that holds the verified caller. */
    public static final String CALLER = InternalRouteFilter.class.getName() + ".caller";

    private record Rule(Set<String> from, String audience, boolean body) {
    }

    private static final Rule NONE = new Rule(Set.of(), "", false);

    private final Map<Method, Rule> rules = new ConcurrentHashMap<>();

    @Inject
    InternalCredential credential;

    @ServerRequestFilter
    public Response check(ContainerRequestContext request, ResourceInfo info) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/internal/") && !path.startsWith("internal/")) {
            return null;
        }
        Method method = info.getResourceMethod();
        Rule rule = method == null ? NONE : rules.computeIfAbsent(method, InternalRouteFilter::ruleOf);
        try {
            if (rule.from().isEmpty()) {
                throw ApiException.forbidden("internal route: no service may call it");
            }
            String token = request.getHeaderString(InternalCredential.HEADER);
            InternalCredential.Caller caller = rule.audience().isEmpty() ? credential.verifyCaller(token)
                    : credential.verifyCallerAs(token, rule.audience());
            if (!rule.from().contains(caller.service())) {
                throw ApiException.forbidden("internal route: " + caller.service() + " may not call it");
            }
            if (caller.bodyHash() != null && !rule.body()) {
                throw ApiException.forbidden("internal route: takes no body-bound token");
            }
            request.setProperty(CALLER, caller);
            return null;
        } catch (ApiException e) {
            return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(e.status(), e.getMessage(), e.errorCode())).build();
        }
    }

    /** The verified caller of this internal request (set by the filter). */
    public static InternalCredential.Caller caller(ContainerRequestContext request) {
        Object caller = request.getProperty(CALLER);
        if (!(caller instanceof InternalCredential.Caller c)) {
            throw ApiException.forbidden("internal route: no verified caller");
        }
        return c;
    }

    private static Rule ruleOf(Method m) {
        InternalRoute r = m.getAnnotation(InternalRoute.class);
        if (r == null) {
            r = m.getDeclaringClass().getAnnotation(InternalRoute.class);
        }
        return r == null ? NONE : new Rule(Set.copyOf(Arrays.asList(r.from())), r.audience(), r.body());
    }
}
