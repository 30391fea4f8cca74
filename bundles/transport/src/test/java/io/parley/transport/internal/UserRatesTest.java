package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.protocol.Types;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserRatesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstGoesThenOneRequestPerRefillPeriod() {
        UserRates rates = new UserRates("MSG_SEND:3/3, 37:1/60", now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, rates.take(1, Types.MSG_SEND));
        }
        long wait = rates.take(1, Types.MSG_SEND);
        assertTrue(wait > 0 && wait <= 1000, "wait " + wait);
        assertEquals(0, rates.take(2, Types.MSG_SEND), "another user has a bucket of its own");
        assertEquals(0, rates.take(1, Types.MSG_PULL), "types without a rate are not limited");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(wait));
        assertEquals(0, rates.take(1, Types.MSG_SEND));
        assertTrue(rates.take(1, Types.MSG_SEND) > 0);
        assertEquals(0, rates.take(1, Types.GROUP_SEND));
        assertTrue(rates.take(1, Types.GROUP_SEND) > 59_000);
        now.addAndGet(TimeUnit.HOURS.toNanos(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, rates.take(1, Types.MSG_SEND), "refilled to the burst, no more");
        }
        assertTrue(rates.take(1, Types.MSG_SEND) > 0);
    }

    @Test
    void sweepingForgetsOnlyFullBuckets() {
        UserRates rates = new UserRates("MSG_SEND:2/60", now::get);
        rates.take(1, Types.MSG_SEND);
        rates.take(1, Types.MSG_SEND);
        rates.sweep();
        assertTrue(rates.take(1, Types.MSG_SEND) > 0, "a bucket that is not full is kept");
    }

    @Test
    void aSpecificationThatCannotBeReadSaysWhy() {
        assertTrue(UserRates.parse("").isEmpty());
        assertEquals(2, UserRates.parse(" msg_send:1/1 , 69:5/60").size());
        for (String bad : new String[] {"MSG_SEND", "MSG_SEND:1", "MSG_SEND:x/1", "MSG_SEND:0/1", "NOPE:1/1", "300:1/1"}) {
            assertThrows(IllegalArgumentException.class, () -> UserRates.parse(bad), bad);
        }
    }
}
