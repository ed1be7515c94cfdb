package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;

/**
 * Query parameters of API.md, taken as text so that garbage gets 400 (JAX-RS would answer 404) and an
 * empty value counts as absent; out-of-range values are refused, never silently replaced.
 */
public final class Paging {

    public static final int MAX = 100;

    private Paging() {
    }

    /** The first of the given spellings of a parameter that is present (snake_case and its camelCase alias). */
    public static String either(String first, String second) {
        return first != null && !first.isBlank() ? first : second;
    }

    /** {@code value}, or {@code defaultValue} when absent, within 1..{@code max}. */
    public static int within(String field, String value, int defaultValue, int max) {
        Long v = number(field, value);
        long n = v == null ? defaultValue : v;
        if (n < 1 || n > max) {
            throw ApiException.invalidField(field, "must be between 1 and " + max);
        }
        return (int) n;
    }

    public static int limit(String value, int defaultValue) {
        return within("limit", value, defaultValue, MAX);
    }

    /** A non-negative cursor such as after_seq (0 when absent). */
    public static long cursor(String field, String value) {
        Long v = number(field, value);
        if (v == null) {
            return 0;
        }
        if (v < 0) {
            throw ApiException.invalidField(field, "must not be negative");
        }
        return v;
    }

    /** A positive id such as before_id, or null when absent. */
    public static Long positive(String field, String value) {
        Long v = number(field, value);
        if (v != null && v < 1) {
            throw ApiException.invalidField(field, "must be positive");
        }
        return v;
    }

    /** Whether a parameter was given at all. */
    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Long number(String field, String value) {
        if (!present(value)) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidField(field, "must be a whole number");
        }
    }
}
