package io.imsystem.common.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Refuses unsafe settings at start: the original's shared JWT secret is gone (said clearly
 * instead of being ignored), and production never runs with the development key, an empty
 * database password or a weak internal secret.
 */
@ApplicationScoped
public class StartupGuard {

    private static final Logger LOG = Logger.getLogger(StartupGuard.class);

    /** The property of the secret the gateway and message-service share (env {@code INTERNAL_SECRET}). */
    static final String INTERNAL_SECRET_PROPERTY = "im.internal.secret";

    void check(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        if (System.getenv("JWT_SECRET") != null) {
            LOG.warn("JWT_SECRET is set but no longer used: tokens are signed with an RS256 key pair. "
                    + "Set JWT_PRIVATE_KEY (auth-service) and JWT_PUBLIC_KEY (every service) to PEM files, and unset JWT_SECRET.");
        }
        if (!ConfigUtils.getProfiles().contains("prod")) {
            return;
        }
        Optional<String> publicKey = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
        Optional<String> privateKey = config.getOptionalValue("smallrye.jwt.sign.key.location", String.class);
        for (Optional<String> key : java.util.List.of(publicKey, privateKey)) {
            if (key.filter(StartupGuard::isDevelopmentKey).isPresent()) {
                throw new IllegalStateException("Refusing to start in prod with the development key pair ("
                        + key.get() + "). Set JWT_PUBLIC_KEY and JWT_PRIVATE_KEY to your own keys.");
            }
        }
        String internalSecret = internalSecretProblem(config);
        if (internalSecret != null) {
            throw new IllegalStateException(internalSecret);
        }
        boolean hasDatabase = config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).isPresent();
        if (hasDatabase && config.getOptionalValue("quarkus.datasource.password", String.class).filter(p -> !p.isBlank()).isEmpty()) {
            throw new IllegalStateException("Refusing to start in prod with an empty database password. Set DB_PASSWORD.");
        }
    }

    /**
     * Why this service's internal secret is not fit for production, or null when it is (or when the
     * service takes no part in internal calls acting for users: only gateway and message name
     * {@value #INTERNAL_SECRET_PROPERTY} in their configuration, the others never get one).
     */
    static String internalSecretProblem(Config config) {
        boolean usesInternalSecret = false;
        for (String name : config.getPropertyNames()) {
            usesInternalSecret |= INTERNAL_SECRET_PROPERTY.equals(name);
        }
        if (!usesInternalSecret) {
            return null;
        }
        String problem = weakInternalSecret(config.getOptionalValue(INTERNAL_SECRET_PROPERTY, String.class).orElse(""));
        return problem == null ? null : "Refusing to start in prod: INTERNAL_SECRET " + problem
                + ". Set INTERNAL_SECRET (the same on gateway-service and message-service), e.g. openssl rand -hex 32.";
    }

    /** Why this internal secret is not fit for production, or null when it is. */
    static String weakInternalSecret(String secret) {
        if (secret.isBlank()) {
            return "is empty";
        }
        if (secret.length() < 32) {
            return "is shorter than 32 characters";
        }
        String lower = secret.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("change-me") || lower.contains("dev-internal-secret") || lower.contains("test-internal-secret")) {
            return "is a placeholder";
        }
        return null;
    }

    static boolean isDevelopmentKey(String location) {
        return location.contains("dev-public.pem") || location.contains("dev-private.pem") || location.contains("test-keys/");
    }
}
