package io.parley.feature.contentfilter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.MessageFilter;
import io.parley.protocol.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentFilterTest {

    private static final UserRef ALICE = new UserRef(1, "alice");

    private static String filter(Map<String, Object> config, String text) {
        return new ContentFilter(config).filter(ALICE, "bob", null, text);
    }

    @Test
    void maskedWordsBecomeStarsAsLongAsTheWordWholeWordsOnlyAnyCase() {
        Map<String, Object> config = Map.of("mask", "darn, heck");
        assertEquals("oh **** it, what the ****", filter(config, "oh darn it, what the HECK"));
        assertEquals("darning socks is heckish", filter(config, "darning socks is heckish"), "only whole words");
        assertEquals("nothing to hide", filter(config, "nothing to hide"));
    }

    @Test
    void aRefusedWordRefusesTheMessageWithTheConfiguredSentence() {
        ParleyException e = assertThrows(ParleyException.class,
                () -> filter(Map.of("reject", "spamword", "mask", "spamword", "rejectMessage", "No spam here."),
                        "buy SpamWord now"));
        assertEquals(Status.FORBIDDEN, e.status());
        assertEquals("No spam here.", e.getMessage(), "refusing wins over masking");
        assertEquals(Rules.DEFAULT_REFUSAL, assertThrows(ParleyException.class,
                () -> filter(Map.of("reject", "spamword"), "spamword")).getMessage());
    }

    @Test
    void patternsMaskAndRefuseCountingCharactersNotUtf16Units() {
        Map<String, Object> config = Map.of("maskPattern.phone", "\\d{3}-\\d{4}", "maskPattern.emoji", "💣+",
                "rejectPattern.link", "(?i)https?://");
        assertEquals("call ********, ** ok", filter(config, "call 555-1234, 💣💣 ok"));
        assertEquals(Status.FORBIDDEN, assertThrows(ParleyException.class,
                () -> filter(config, "see HTTP://example.com")).status());
    }

    @Test
    void aPatternThatDoesNotCompileIsRefusedWithItsKeyAndTheRulesBeforeItStay() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rules.of(Map.of("maskPattern.bad", "(unclosed")));
        assertTrue(e.getMessage().contains("maskPattern.bad"), e.getMessage());
        ContentFilter f = new ContentFilter(Map.of("mask", "darn"));
        f.modified(Map.of("maskPattern.bad", "(unclosed"));
        assertEquals("****", f.filter(ALICE, "bob", null, "darn"), "the rules before the bad edit stay");
        f.modified(Map.of("mask", "heck"));
        assertEquals("darn ****", f.filter(ALICE, null, 7L, "darn heck"), "a good edit applies at once");
    }

    @Test
    void aPatternThatBacktracksWithoutEndRefusesTheMessageInsteadOfHoldingTheWorker() {
        // Seconds of backtracking on this text (5.8 s measured on JDK 17, whose regex engine shortcuts the
        // textbook (a+)+$).
        Map<String, Object> config = Map.of("rejectPattern.slow", "(.*a){12}x", "matchMillis", "20");
        long start = System.nanoTime();
        ParleyException e = assertThrows(ParleyException.class, () -> filter(config, "a".repeat(30)));
        assertEquals(Status.FORBIDDEN, e.status());
        assertTrue(e.getMessage().contains("in time"), e.getMessage());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused within the budget, not after minutes");
    }

    @Test
    void withoutConfigurationNothingChangesAndTheChainReportsMaskedOnlyWhenChanged() {
        assertEquals("anything goes", filter(Map.of(), "anything goes"));
        MessageFilter masking = new ContentFilter(Map.of("mask", "darn"));
        assertEquals(new MessageFilter.Filtered("****!", true),
                MessageFilter.applyAll(List.of(masking), ALICE, "bob", null, "darn!"));
        assertEquals(new MessageFilter.Filtered("fine", false),
                MessageFilter.applyAll(List.of(masking), ALICE, "bob", null, "fine"));
    }
}
