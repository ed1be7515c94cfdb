package io.imsystem.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** Which service keys production refuses, and which services the check applies to. */
class StartupGuardTest {

    private static final String GOOD = "9f2c4e1a7b3d5f60819a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";

    @Test
    void emptyShortAndPlaceholderSecretsAreRefused() {
        assertEquals("is empty", StartupGuard.weakInternalSecret(""));
        assertEquals("is empty", StartupGuard.weakInternalSecret("   "));
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("0123456789abcdef"));
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("0123456789abcdef0123456789abcde"));
        assertNull(StartupGuard.weakInternalSecret("0123456789abcdef0123456789abcdef"));
        // The dev and test profiles' values and the placeholders of docker/env.example.
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("dev-internal-secret"));
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("test-internal-secret"));
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("change-me"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("change-me-four-and-make-it-32-characters-long"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("CHANGE-ME-and-make-it-at-least-32-characters"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("x-test-internal-secret-padded-to-32-chars"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("dev-internal-secret-padded-to-32-characters"));
        assertNull(StartupGuard.weakInternalSecret(GOOD));
    }

    @Test
    void everyServiceKeyAServiceNamesMustBeStrong() {
        // A service without service keys (none configured): nothing to check.
        assertNull(StartupGuard.internalSecretProblem(config(Map.of("quarkus.http.port", "8081"))));
        // im.internal.keys.gateway-service=${SERVICE_KEY_GATEWAY:} with the variable unset.
        String problem = StartupGuard.internalSecretProblem(config(Map.of("im.internal.keys.gateway-service", "${SERVICE_KEY_UNSET_IN_TESTS:}")));
        assertTrue(problem != null && problem.contains("SERVICE_KEY_GATEWAY") && problem.contains("is empty"), problem);
        problem = StartupGuard.internalSecretProblem(config(Map.of("im.internal.keys.gateway-service", GOOD,
                "im.internal.keys.presence-service", "change-me-four-and-make-it-32-characters-long")));
        assertTrue(problem != null && problem.contains("SERVICE_KEY_PRESENCE") && problem.contains("is a placeholder"), problem);
        problem = StartupGuard.internalSecretProblem(config(Map.of("im.internal.keys.message-service", "test-service-key-message-0123456789abcdef")));
        assertTrue(problem != null && problem.contains("is a placeholder"), problem);
        assertNull(StartupGuard.internalSecretProblem(config(Map.of("im.internal.keys.gateway-service", GOOD,
                "im.internal.keys.message-service", GOOD.substring(1) + "0"))));
    }

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }
}
