package io.parley.storage.log.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Paces one piece of the background thread's disk work (a snapshot written or read back, a segment compacted)
 * at a rate, and syncs what it wrote every {@link #SYNC_EVERY} bytes. Written at full speed, a snapshot (200 MiB
 * and more after a few million messages) filled the disk's queue and the page cache's dirty pages at once, and
 * the log's own syncs, which every message waits for, waited behind them: a half-second stall in a run at half
 * of peak with fsync on. One per piece of work: it measures the rate from its own start.
 */
final class Pacer {

    /** Bytes written between two syncs of the file being written. */
    static final long SYNC_EVERY = 8L << 20;

    private final long bytesPerSecond;
    /** True when the store is stopping: the work gives up at its next step instead of finishing at its rate. */
    private final BooleanSupplier abort;
    private final long start = System.nanoTime();
    private long bytes;
    private long unsynced;

    /** {@code bytesPerSecond} 0 or less: no pacing (start-up reads the log as fast as it can). */
    Pacer(long bytesPerSecond, BooleanSupplier abort) {
        this.bytesPerSecond = bytesPerSecond;
        this.abort = abort;
    }

    static Pacer unlimited() {
        return new Pacer(0, () -> false);
    }

    /** Counts {@code n} bytes read or written, and sleeps while the work is ahead of its rate. */
    void paced(long n) throws IOException {
        bytes += n;
        if (abort.getAsBoolean()) {
            throw new InterruptedIOException("the message log is stopping");
        }
        if (bytesPerSecond <= 0) {
            return;
        }
        long due = start + (long) (1e9 * bytes / bytesPerSecond);
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(ahead);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the message log's background work");
            }
        }
    }

    /** Counts {@code n} bytes written to {@code file}, syncs it every {@link #SYNC_EVERY} bytes, and paces. */
    void written(FileChannel file, long n) throws IOException {
        unsynced += n;
        if (unsynced >= SYNC_EVERY) {
            file.force(false);
            unsynced = 0;
        }
        paced(n);
    }
}
