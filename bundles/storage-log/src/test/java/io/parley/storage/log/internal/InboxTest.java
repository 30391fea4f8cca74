package io.parley.storage.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An inbox's seqs with holes: out of order within a window, far gaps given back, heads never going back. */
class InboxTest {

    @Test
    void aFarFirstSeqTakesAWindowOfHolesNotOnePerSkippedSeq() {
        Inbox inbox = new Inbox();
        long far = 100_000_000L;
        assertTrue(inbox.put(far, 7, 1));
        assertEquals(far, inbox.lastSeq());
        assertTrue(inbox.put(far - 5, 8, 1), "a little out of order still finds its place");
        assertFalse(inbox.put(far - Inbox.WINDOW - 10, 9, 1), "far behind the window: given back");
        assertEquals(2, inbox.held());
        assertEquals(8, inbox.record(far - 5));
        long[][] pulled = inbox.after(0, 10);
        assertEquals(far - 5, pulled[0][0]);
        assertEquals(far, pulled[0][1]);
    }

    @Test
    void theHeadNeverGoesBack() {
        Inbox inbox = new Inbox();
        for (long seq = 1; seq <= 10_000; seq++) {
            inbox.put(seq, seq << 24 | 1, 1);
        }
        inbox.dropUpTo(10_000);
        assertEquals(10_000, inbox.lastSeq());
        inbox.put(10_001 + Inbox.WINDOW + 5, 42L << 24 | 1, 1);
        assertEquals(10_001 + Inbox.WINDOW + 5, inbox.lastSeq());
        inbox.raise(5);
        assertEquals(10_001 + Inbox.WINDOW + 5, inbox.lastSeq(), "raising to less changes nothing");
    }
}
