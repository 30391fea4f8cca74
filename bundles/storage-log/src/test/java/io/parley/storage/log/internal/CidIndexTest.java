package io.parley.storage.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cid table's part of a snapshot, copied a slice at a time while cids go on being remembered: every cid there
 * before the copy began is in the snapshot, whatever happens between two slices.
 */
class CidIndexTest {

    @TempDir
    Path dir;

    private static final int BEFORE = 2_000;

    /** Writes the table's snapshot and reads it into a new table. */
    private CidIndex snapshotOf(CidIndex cids) throws IOException {
        Snapshot.write(dir, 1, 0, cids::write, Pacer.unlimited());
        CidIndex read = new CidIndex(pointer -> null);
        try (Snapshot.In in = Snapshot.open(Snapshot.path(dir, 1))) {
            read.read(in);
        }
        return read;
    }

    private static void fill(CidIndex cids, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            cids.remember(i % 7, prefix + i, 1000L + i);
        }
    }

    private static void assertHoldsAll(CidIndex cids, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals(1000L + i, cids.pointerOf(i % 7, prefix + i), prefix + i);
        }
    }

    @Test
    void cidsRememberedBetweenSlicesLeaveEveryEarlierOneInTheSnapshot() throws IOException {
        AtomicInteger added = new AtomicInteger();
        CidIndex[] table = new CidIndex[1];
        // One new cid between two slices of 64 slots: the table keeps its arrays, the copy is taken in one go.
        table[0] = new CidIndex(pointer -> null, 64, () -> table[0].remember(9, "during-" + added.get(),
                5000L + added.getAndIncrement()));
        fill(table[0], "before-", BEFORE);
        CidIndex read = snapshotOf(table[0]);
        assertHoldsAll(read, "before-", BEFORE);
        assertTrue(added.get() > 10, "cids were remembered between slices: " + added.get());
    }

    @Test
    void aTableThatGrowsDuringTheCopyLosesNothing() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        CidIndex[] table = new CidIndex[1];
        // Thousands of cids between two slices: the table grows (new arrays) while it is copied, again and again.
        table[0] = new CidIndex(pointer -> null, 64, () -> {
            int call = calls.getAndIncrement();
            for (int i = 0; i < 3000; i++) {
                table[0].remember(8, "grow-" + call + "-" + i, 1);
            }
        });
        fill(table[0], "before-", BEFORE);
        CidIndex read = snapshotOf(table[0]);
        assertHoldsAll(read, "before-", BEFORE);
        assertTrue(calls.get() >= 3, "the table grew while it was copied: " + calls.get() + " pauses");
    }

    @Test
    void aTableClearedDuringTheCopyIsCopiedAgainWithoutWhatWasCleared() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        CidIndex[] table = new CidIndex[1];
        table[0] = new CidIndex(pointer -> null, 64, () -> {
            if (calls.getAndIncrement() == 3) {
                table[0].clear(); // the index rebuilt from scratch, mid-copy
                fill(table[0], "after-", 10);
            }
        });
        fill(table[0], "before-", BEFORE);
        CidIndex read = snapshotOf(table[0]);
        assertHoldsAll(read, "after-", 10);
        for (int i = 0; i < BEFORE; i++) {
            assertEquals(0, read.pointerOf(i % 7, "before-" + i), "cleared before the copy ended: before-" + i);
        }
    }
}
