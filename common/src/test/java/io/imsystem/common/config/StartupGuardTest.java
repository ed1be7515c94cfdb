package io.imsystem.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** Which internal secrets production refuses, and which services the check applies to. */
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
    void onlyServicesThatNameTheSecretMustHaveAStrongOne() {
        // auth and presence: no im.internal.secret in their configuration, nothing to check.
        assertNull(StartupGuard.internalSecretProblem(config(Map.of("quarkus.http.port", "8081"))));
        // gateway and message: im.internal.secret=${INTERNAL_SECRET:} with the variable unset.
        String problem = StartupGuard.internalSecretProblem(config(Map.of("im.internal.secret", "${INTERNAL_SECRET_UNSET_IN_TESTS:}")));
        assertTrue(problem != null && problem.contains("INTERNAL_SECRET is empty"), problem);
        problem = StartupGuard.internalSecretProblem(config(Map.of("im.internal.secret", "change-me-four-and-make-it-32-characters-long")));
        assertTrue(problem != null && problem.contains("INTERNAL_SECRET is a placeholder"), problem);
        assertNull(StartupGuard.internalSecretProblem(config(Map.of("im.internal.secret", GOOD))));
    }

    private static Config config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }
}
