package io.imsystem.message.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.common.api.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmojiTest {

    @Test
    void oneEmojiOfEveryShapeIsAccepted() {
        for (String e : List.of("👍", "🎉", "❤️", "❤", "☺️", "👍🏽", "👨‍👩‍👧‍👦", "👨🏻‍👩🏻‍👧🏻‍👦🏻", "🧑🏽‍🤝‍🧑🏿", "🏳️‍🌈", "🇨🇳", "🇺🇸",
                "1️⃣", "#⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️", "🫠", "⭐")) {
            assertTrue(Emoji.isOne(e), e);
            assertEquals(e, Emoji.check(e));
        }
    }

    @Test
    void textSeveralEmojiAndBrokenSequencesAreRefused() {
        for (String e : List.of("a", "ok", "1", "👍👍", "👍 ", " 👍", "👍a", "🇨", "🇨🇳🇺🇸", "‍👍", "👍‍", "🏽", "\uFE0F", "1⃣⃣",
                "🏴󠁧󠁢", "\uD83D", "<script>", "%F0%9F%91%8D")) {
            assertFalse(Emoji.isOne(e), e);
            ApiException refused = assertThrows(ApiException.class, () -> Emoji.check(e), e);
            assertEquals(400, refused.status());
            assertTrue(refused.fields().containsKey("emoji"));
        }
        assertThrows(ApiException.class, () -> Emoji.check(""));
        assertThrows(ApiException.class, () -> Emoji.check(null));
        assertThrows(ApiException.class, () -> Emoji.check("👍".repeat(17)));
    }
}
