package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acks written behind: a cursor is answered at once, visible at once to {@code acked}, written within the
 * delay in a shared commit, and written on deactivation whatever the delay; it never moves back.
 */
class AckWriteBehindTest {

    private static final long AN_HOUR = TimeUnit.HOURS.toMillis(1);

    @TempDir
    Path dir;

    private TestDatabases.Opened opened;
    private long bob;

    @AfterEach
    void closeDatabase() {
        if (opened != null) {
            opened.close();
        }
    }

    private void open(String backend) {
        opened = TestDatabases.open(backend, dir);
        bob = new JdbcAccountStore(opened.db()).create("bob", "h", "", 1).orElseThrow();
    }

    /** What is in the database, read by a store that buffers nothing. */
    private long written(String device) {
        return new JdbcMessageStore(opened.db()).acked(bob, device);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void anAckIsVisibleAtOnceAndWrittenWithinTheDelay(String backend) throws InterruptedException {
        open(backend);
        JdbcMessageStore store = new JdbcMessageStore(opened.db(), 50);
        try {
            store.ack(bob, "pc", 5);
            assertEquals(5, store.acked(bob, "pc"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (written("pc") != 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(5, written("pc"));
        } finally {
            store.deactivate();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void deactivationWritesEveryWaitingAck(String backend) {
        open(backend);
        JdbcMessageStore store = new JdbcMessageStore(opened.db(), AN_HOUR);
        store.ack(bob, "pc", 7);
        store.ack(bob, "pc", 4);
        store.ack(bob, "ios", 2);
        assertEquals(0, written("pc"), "nothing is written before the delay");
        store.deactivate();
        assertEquals(7, written("pc"));
        assertEquals(2, written("ios"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void aCursorNeverMovesBackAcrossBufferedAndWritten(String backend) {
        open(backend);
        new JdbcMessageStore(opened.db()).ack(bob, "pc", 9);
        JdbcMessageStore store = new JdbcMessageStore(opened.db(), AN_HOUR);
        store.ack(bob, "pc", 3);
        assertEquals(9, store.acked(bob, "pc"));
        store.deactivate();
        assertEquals(9, written("pc"));
    }
}
