package io.parley.testkit.load;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.protocol.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the hot-deploy assertion judges a step by: any broken promise makes a tally unclean. */
class TrafficTallyTest {

    private static Traffic.Tally tally(long failed, long lost, long twice, long dropped, Map<Status, Integer> answers) {
        return new Traffic.Tally(100, failed, lost, twice, dropped, answers, 5, 0);
    }

    @Test
    void onlyZerosAndRetryableAnswersAreClean() {
        assertTrue(tally(0, 0, 0, 0, Map.of(Status.OK, 99, Status.UNAVAILABLE, 1)).clean());
        assertFalse(tally(1, 0, 0, 0, Map.of(Status.OK, 100)).clean(), "a send given up on");
        assertFalse(tally(0, 1, 0, 0, Map.of(Status.OK, 100)).clean(), "an acknowledged message lost");
        assertFalse(tally(0, 0, 1, 0, Map.of(Status.OK, 100)).clean(), "a message shown twice");
        assertFalse(tally(0, 0, 0, 1, Map.of(Status.OK, 100)).clean(), "a connection dropped");
        assertFalse(tally(0, 0, 0, 0, Map.of(Status.OK, 99, Status.INTERNAL, 1)).clean(), "an INTERNAL answer");
    }
}
