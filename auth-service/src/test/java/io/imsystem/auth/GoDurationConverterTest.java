package io.imsystem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.imsystem.auth.config.GoDurationConverter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** JWT_EXPIRE_TIME and friends keep the original's Go duration syntax. */
class GoDurationConverterTest {

    @Test
    void readsGoStyleIsoAndSeconds() {
        assertEquals(Duration.ofHours(24), GoDurationConverter.parse("24h"));
        assertEquals(Duration.ofHours(720), GoDurationConverter.parse("720h"));
        assertEquals(Duration.ofMinutes(90), GoDurationConverter.parse("1h30m"));
        assertEquals(Duration.ofMillis(1500), GoDurationConverter.parse("1.5s"));
        assertEquals(Duration.ofMinutes(15), GoDurationConverter.parse("15m"));
        assertEquals(Duration.ofHours(24), GoDurationConverter.parse("PT24H"));
        assertEquals(Duration.ofSeconds(3600), GoDurationConverter.parse("3600"));
    }

    @Test
    void refusesNonsenseAndNonPositiveDurations() {
        assertThrows(IllegalArgumentException.class, () -> GoDurationConverter.parse("tomorrow"));
        assertThrows(IllegalArgumentException.class, () -> GoDurationConverter.parse("24"+"x"));
        assertThrows(IllegalArgumentException.class, () -> GoDurationConverter.parse("0s"));
    }
}
