package io.imsystem.common.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A service-to-service route (under {@code /internal/}): {@link InternalRouteFilter} lets a call in only
 * with a valid {@link InternalCredential} token of one of the services named here, addressed to this
 * service. A route under {@code /internal/} without this annotation refuses every call.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface InternalRoute {

    /** The services that may call the route ({@link InternalCredential#GATEWAY}, ...). */
    String[] from();

    /**
     * Whom the token must be addressed to: this service (empty, the default). Only a test stub that stands
     * in for another service on the test's port names that service here.
     */
    String audience() default "";

    /**
     * Whether the route takes a token bound to its body ({@code bh}, the gateway's batched frames) and
     * checks it itself ({@link InternalCredential#requireBody}); any other route refuses such a token.
     */
    boolean body() default false;
}
