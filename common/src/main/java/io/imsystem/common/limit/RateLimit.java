package io.imsystem.common.limit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a REST route under one of the shared token buckets ({@link RateLimiter}): each call takes a
 * token of the caller's bucket, or of the client address's before login. Beyond the bucket the route
 * answers 429 RATE_LIMITED with Retry-After; every answer of the route carries X-RateLimit-Limit,
 * X-RateLimit-Remaining and X-RateLimit-Reset.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimit {

    /** The bucket: a name of {@link RateLimiter} (its settings are {@code im.rate-limit.limits.<name>.*}). */
    String value();

    /** Whose bucket: the authenticated user's (the default) or the client address's. */
    By by() default By.USER;

    /** Who a bucket belongs to. */
    enum By {
        USER, ADDRESS
    }
}
