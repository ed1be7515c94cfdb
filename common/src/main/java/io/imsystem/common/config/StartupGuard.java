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
 * database password or a weak service key.
 */
@ApplicationScoped
public class StartupGuard {

    private static final Logger LOG = Logger.getLogger(StartupGuard.class);

    /** The service keys a service holds: {@code im.internal.keys.<service>} (env {@code SERVICE_KEY_<SERVICE>}). */
    static final String SERVICE_KEY_PREFIX = "im.internal.keys.";

    void check(@Observes StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        if (System.getenv("JWT_SECRET") != null) {
            LOG.warn("JWT_SECRET is set but no longer used: tokens are signed with an RS256 key pair. "
                    + "Set JWT_PRIVATE_KEY (auth-service) and JWT_PUBLIC_KEY (every service) to PEM files, and unset JWT_SECRET.");
        }
        if (System.getenv("INTERNAL_SECRET") != null) {
            LOG.warn("INTERNAL_SECRET is set but no longer used: service calls carry tokens signed with per-service keys. "
                    + "Set SERVICE_KEY_GATEWAY, SERVICE_KEY_MESSAGE and SERVICE_KEY_PRESENCE (docs/OPERATIONS.md), and unset INTERNAL_SECRET.");
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
     * Why one of this service's keys is not fit for production, or null when all are. A service names in
     * its configuration exactly the keys it needs ({@code im.internal.keys.<service>=${SERVICE_KEY_...:}}:
     * its own to sign, its callers' to verify), so each one named must be there and strong.
     */
    static String internalSecretProblem(Config config) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(SERVICE_KEY_PREFIX)) {
                names.add(name);
            }
        }
        java.util.Collections.sort(names);
        for (String name : names) {
            String service = name.substring(SERVICE_KEY_PREFIX.length());
            String problem = weakInternalSecret(config.getOptionalValue(name, String.class).orElse(""));
            if (problem != null) {
                String env = "SERVICE_KEY_" + service.replace("-service", "").replace('-', '_').toUpperCase(java.util.Locale.ROOT);
                return "Refusing to start in prod: the service key of " + service + " (" + env + ") " + problem
                        + ". Set " + env + " (the same on " + service + " and the services it calls), e.g. openssl rand -hex 32.";
            }
        }
        return null;
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
        if (lower.startsWith("change-me") || lower.contains("dev-internal-secret") || lower.contains("test-internal-secret")
                || lower.contains("dev-service-key") || lower.contains("test-service-key")) {
            return "is a placeholder";
        }
        return null;
    }

    static boolean isDevelopmentKey(String location) {
        return location.contains("dev-public.pem") || location.contains("dev-private.pem") || location.contains("test-keys/");
    }
}
