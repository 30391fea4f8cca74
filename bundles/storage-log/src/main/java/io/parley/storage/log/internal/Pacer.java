package io.parley.storage.log.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;

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
    private final long start = System.nanoTime();
    private long bytes;
    private long unsynced;

    /** {@code bytesPerSecond} 0 or less: no pacing (start-up reads the log as fast as it can). */
    Pacer(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    static Pacer unlimited() {
        return new Pacer(0);
    }

    /** Counts {@code n} bytes read or written, and sleeps while the work is ahead of its rate. */
    void paced(long n) throws IOException {
        bytes += n;
        if (bytesPerSecond <= 0) {
            return;
        }
        long due = start + TimeUnit.SECONDS.toNanos(1) * bytes / bytesPerSecond;
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
