package io.parley.storage.log.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The background thread's disk work at its rate: never faster, and no wait without a limit. */
class PacerTest {

    @Test
    void workIsHeldToItsRate() throws IOException {
        Pacer pacer = new Pacer(10L << 20, () -> false); // 10 MiB a second
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            pacer.paced(1L << 20);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 390, "4 MiB at 10 MiB/s take 0.4 s, took " + ms + " ms");
    }

    @Test
    void aStoppingStoreEndsTheWorkAtItsNextStep() throws IOException {
        boolean[] stopping = {false};
        Pacer pacer = new Pacer(1L << 20, () -> stopping[0]);
        pacer.paced(1024);
        stopping[0] = true;
        assertThrows(java.io.InterruptedIOException.class, () -> pacer.paced(1024));
    }

    @Test
    void noLimitNeverWaits() throws IOException {
        Pacer pacer = Pacer.unlimited();
        long start = System.nanoTime();
        pacer.paced(1L << 40);
        assertTrue(System.nanoTime() - start < 100_000_000L);
    }
}
