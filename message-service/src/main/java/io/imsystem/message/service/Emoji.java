package io.imsystem.message.service;

import io.imsystem.common.api.ApiException;

/**
 * What a reaction may be: exactly one emoji, as a user would pick it: a pictograph (with its variation
 * selector, skin tone or tag sequence), several joined by ZWJ (a family, a profession), a flag (two
 * regional indicators) or a keycap. Not text, not two emoji, at most {@value #MAX_CHARS} UTF-16 units and
 * {@value #MAX_CODE_POINTS} code points (the longest standard emoji, a family of four with skin tones, has 19
 * and 11). The route takes it URL-encoded in the path; JAX-RS decodes it.
 */
public final class Emoji {

    static final int MAX_CHARS = 32;
    private static final int MAX_CODE_POINTS = 16;
    private static final int ZWJ = 0x200D;
    private static final int VS16 = 0xFE0F;
    private static final int KEYCAP = 0x20E3;
    private static final int CANCEL_TAG = 0xE007F;

    private Emoji() {
    }

    /** The emoji, or 400 VALIDATION_FAILED naming the field {@code emoji}. */
    public static String check(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw ApiException.invalidField("emoji", "is required");
        }
        if (raw.length() > MAX_CHARS || raw.codePointCount(0, raw.length()) > MAX_CODE_POINTS) {
            throw ApiException.invalidField("emoji", "at most " + MAX_CHARS + " characters");
        }
        if (!isOne(raw)) {
            throw ApiException.invalidField("emoji", "must be exactly one emoji");
        }
        return raw;
    }

    /** Whether the text is exactly one emoji. */
    public static boolean isOne(String text) {
        int[] cp = text.codePoints().toArray();
        int n = cp.length;
        if (n == 0) {
            return false;
        }
        if (isKeycapBase(cp[0]) && n > 1) {
            int i = cp[1] == VS16 ? 2 : 1;
            return i == n - 1 && cp[i] == KEYCAP;
        }
        if (isRegionalIndicator(cp[0])) {
            return n == 2 && isRegionalIndicator(cp[1]);
        }
        int i = 0;
        while (true) {
            if (i >= n || !isPictograph(cp[i])) {
                return false;
            }
            i++;
            if (i < n && cp[i] == VS16) {
                i++;
            }
            if (i < n && isSkinTone(cp[i])) {
                i++;
            }
            if (i < n && isTag(cp[i])) {
                while (i < n && isTag(cp[i]) && cp[i] != CANCEL_TAG) {
                    i++;
                }
                if (i >= n || cp[i] != CANCEL_TAG) {
                    return false;
                }
                i++;
            }
            if (i == n) {
                return true;
            }
            if (cp[i] != ZWJ) {
                return false;
            }
            i++;
        }
    }

    private static boolean isKeycapBase(int c) {
        return (c >= '0' && c <= '9') || c == '#' || c == '*';
    }

    private static boolean isRegionalIndicator(int c) {
        return c >= 0x1F1E6 && c <= 0x1F1FF;
    }

    private static boolean isSkinTone(int c) {
        return c >= 0x1F3FB && c <= 0x1F3FF;
    }

    private static boolean isTag(int c) {
        return c >= 0xE0020 && c <= 0xE007F;
    }

    /** The pictographs of Unicode's emoji list (Extended_Pictographic), by block. */
    private static boolean isPictograph(int c) {
        if (c >= 0x1F000 && c <= 0x1FAFF) {
            return !isRegionalIndicator(c) && !isSkinTone(c);
        }
        return c == 0x00A9 || c == 0x00AE || c == 0x203C || c == 0x2049 || c == 0x2122 || c == 0x2139
                || (c >= 0x2194 && c <= 0x2199) || c == 0x21A9 || c == 0x21AA || c == 0x231A || c == 0x231B
                || c == 0x2328 || c == 0x23CF || (c >= 0x23E9 && c <= 0x23F3) || (c >= 0x23F8 && c <= 0x23FA)
                || c == 0x24C2 || c == 0x25AA || c == 0x25AB || c == 0x25B6 || c == 0x25C0 || (c >= 0x25FB && c <= 0x25FE)
                || (c >= 0x2600 && c <= 0x27BF) || c == 0x2934 || c == 0x2935 || (c >= 0x2B05 && c <= 0x2B07)
                || c == 0x2B1B || c == 0x2B1C || c == 0x2B50 || c == 0x2B55 || c == 0x3030 || c == 0x303D
                || c == 0x3297 || c == 0x3299 || (c >= 0x1FC00 && c <= 0x1FFFD);
    }
}
