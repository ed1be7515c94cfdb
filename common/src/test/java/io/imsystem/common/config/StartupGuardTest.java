package io.imsystem.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which internal secrets production refuses. */
class StartupGuardTest {

    @Test
    void emptyShortAndPlaceholderSecretsAreRefused() {
        assertEquals("is empty", StartupGuard.weakInternalSecret(""));
        assertEquals("is empty", StartupGuard.weakInternalSecret("   "));
        assertEquals("is shorter than 32 characters", StartupGuard.weakInternalSecret("0123456789abcdef"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("change-me-four-and-make-it-32-characters-long"));
        assertEquals("is a placeholder", StartupGuard.weakInternalSecret("x-test-internal-secret-padded-to-32-chars"));
        assertNull(StartupGuard.weakInternalSecret("9f2c4e1a7b3d5f60819a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70"));
    }
}
