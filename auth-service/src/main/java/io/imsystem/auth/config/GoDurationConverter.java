package io.imsystem.auth.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads durations the way the original Go service wrote them ({@code 24h}, {@code 1h30m},
 * {@code 90s}), as well as ISO-8601 ({@code PT24H}) and bare seconds ({@code 3600}).
 */
public class GoDurationConverter implements Converter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d))+");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.trim();
        Duration result;
        if (value.matches("\\d+")) {
            result = Duration.ofSeconds(Long.parseLong(value));
        } else if (value.startsWith("P") || value.startsWith("p")) {
            result = Duration.parse(value);
        } else if (WHOLE.matcher(value).matches()) {
            result = Duration.ZERO;
            Matcher m = PART.matcher(value);
            while (m.find()) {
                BigDecimal amount = new BigDecimal(m.group(1));
                long nanosPerUnit = switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> 86_400_000_000_000L;
                };
                result = result.plusNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
            }
        } else {
            throw new IllegalArgumentException("not a duration: '" + value + "' (write e.g. 24h, 1h30m, 90s or PT24H)");
        }
        if (result.isNegative() || result.isZero()) {
            throw new IllegalArgumentException("duration must be positive: '" + value + "'");
        }
        return result;
    }
}
