package io.imsystem.common.testing;

import io.imsystem.common.security.InternalCredential;
import java.nio.charset.StandardCharsets;

/**
 * Service tokens for tests, signed with the test profile's keys ({@code %test.im.internal.keys.*}): valid
 * ones, as a service would send them, and expired or forged ones, as an attacker would.
 */
public final class ServiceTokens {

    private ServiceTokens() {
    }

    /** The test profile's key of a service (each service's application.properties has the same). */
    public static byte[] key(String service) {
        return ("test-service-key-" + service.replace("-service", "") + "-0123456789abcdef0123").getBytes(StandardCharsets.UTF_8);
    }

    /** A valid token of {@code issuer} for {@code audience}, acting for no one user. */
    public static String of(String issuer, String audience) {
        return of(issuer, audience, 0);
    }

    /** A valid token of {@code issuer} for {@code audience} acting for {@code userId} (0: none). */
    public static String of(String issuer, String audience, long userId) {
        long now = now();
        return InternalCredential.sign(issuer, audience, userId, null, now, now + 60, key(issuer));
    }

    /** A valid token bound to {@code body}. */
    public static String forBody(String issuer, String audience, byte[] body) {
        long now = now();
        return InternalCredential.sign(issuer, audience, 0, InternalCredential.sha256(body), now, now + 60, key(issuer));
    }

    /** A token that was valid two minutes ago. */
    public static String expired(String issuer, String audience, long userId) {
        long now = now();
        return InternalCredential.sign(issuer, audience, userId, null, now - 180, now - 120, key(issuer));
    }

    /** A token of the right form signed with a key no service has. */
    public static String forged(String issuer, String audience, long userId) {
        long now = now();
        return InternalCredential.sign(issuer, audience, userId, null, now, now + 60,
                "an-attackers-own-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
