package io.parley.storage.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's background thread: it writes {@link Snapshot}s of the index as the log grows, and rewrites sealed
 * segments without the records nobody needs any more (messages no inbox holds, acks, drops and erasures), while
 * the server runs.
 *
 * <p>Why this is safe: start-up reads a snapshot and replays the records after it, so a record before the
 * position of a snapshot is only ever <em>read</em> (a message an inbox points at), never replayed. Compaction
 * only rewrites segments that end before the newest snapshot, once that snapshot was read back whole. The one
 * before it is kept too: it can start the server while no segment after it has been compacted.
 *
 * <p>An erasure does not wait for the log to grow: the next look starts a new segment, takes a snapshot and
 * rewrites every segment holding a message nobody holds any more, so the erased words leave the disk within
 * one look ({@code compactEverySeconds}).
 *
 * <p>A snapshot is taken when the log has grown by at least a segment, and by at least snapshotGrowthPercent of the
 * last snapshot's size since the last one: the work of writing them stays in proportion to the writing of
 * messages (a quarter of it at 400 %), and start-up reads the index and at most that share of it again in
 * records after it.
 */
final class Compactor {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    /** Opens the temporary file a compacted segment is written to; a test puts a full disk here. */
    @FunctionalInterface
    interface TempFiles {
        FileChannel create(Path tmp) throws IOException;
    }

    static final TempFiles DISK = tmp -> FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.READ);

    private final Journal journal;
    private final LogIndex index;
    private final LongSupplier published;
    /** Asks the writer to start a new segment, and waits until it has. */
    private final Runnable roll;
    private final Object maintenance;
    private final LogMessageStore.Options options;
    private final TempFiles temp;
    private final Thread thread;
    /** Positions of the snapshots kept, newest first; at most two. */
    private final List<Long> snapshots = new ArrayList<>();
    private long lastSnapshotBytes;
    /** Counts drops and erasures: a segment checked since the last one has nothing new to give back. */
    private final AtomicLong deletions = new AtomicLong();
    /** Counts erasures; the next look rewrites what they left behind. */
    private final AtomicLong erasures = new AtomicLong();
    private long erasuresDone;
    private volatile boolean stopping;
    /** The thread and a test's call to {@link #maintain} take turns. */
    private final Object turn = new Object();

    Compactor(Journal journal, LogIndex index, LongSupplier published, Runnable roll, Object maintenance,
            LogMessageStore.Options options, List<Long> snapshots, TempFiles temp) {
        this.journal = journal;
        this.roll = roll;
        this.index = index;
        this.published = published;
        this.maintenance = maintenance;
        this.options = options;
        this.temp = temp;
        this.snapshots.addAll(snapshots);
        this.thread = new Thread(this::loop, "parley-message-log-compactor");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A new segment was started: a snapshot may be due. */
    void rolled() {
        synchronized (this) {
            notifyAll();
        }
    }

    /** Entries were taken out: segments may have records to give back. */
    void deleted() {
        deletions.incrementAndGet();
    }

    /** A user's entries were erased: the next look takes what only they held off the disk. */
    void erased() {
        deletions.incrementAndGet();
        erasures.incrementAndGet();
        synchronized (this) {
            notifyAll();
        }
    }

    void stop() throws InterruptedException {
        stopping = true;
        synchronized (this) {
            notifyAll();
        }
        thread.join();
    }

    /** The snapshots kept, newest first. */
    synchronized List<Long> snapshots() {
        return List.copyOf(snapshots);
    }

    private void loop() {
        while (!stopping) {
            try {
                maintain(false);
            } catch (RuntimeException | Error e) {
                LOG.error("Message log maintenance failed; it tries again in {} s", options.compactEverySeconds(), e);
            }
            synchronized (this) {
                if (!stopping) {
                    try {
                        wait(options.compactEverySeconds() * 1000L);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Paces one piece of this thread's disk work at {@code maintenanceMegabytesPerSecond}; it gives up at its next
     * step once the store stops, so that a stop does not wait for it at that rate.
     */
    private Pacer pacer() {
        return new Pacer(options.maintenanceMegabytesPerSecond() * (1L << 20), () -> stopping);
    }

    /**
     * Takes a snapshot when one is due (or, with {@code force}, whenever the log moved on since the last), then
     * compacts what it may. The thread runs it; a test may call it directly.
     */
    void maintain(boolean force) {
        synchronized (turn) {
            maintainInTurn(force);
        }
    }

    private void maintainInTurn(boolean force) {
        long erased = erasures.get();
        boolean scrub = erased != erasuresDone;
        if (scrub) {
            roll.run(); // the erased entries' records are now in sealed segments
        }
        long position = published.getAsLong();
        long newest = snapshots().isEmpty() ? journal.start() : snapshots().get(0);
        // A snapshot's work grows with the index, so snapshots come rarer as it grows: its work stays a share of
        // the log's growth (a quarter at 400 %), not a snapshot of 150 MiB for every 150 MiB of messages.
        long due = Math.max(options.segmentBytes(), lastSnapshotBytes * options.snapshotGrowthPercent() / 100);
        if (position > newest && (force || scrub || position - newest >= due)) {
            snapshot(position);
        }
        if (compact(scrub) && scrub) {
            erasuresDone = erased;
        }
    }

    private void snapshot(long position) {
        synchronized (maintenance) {
            List<Long> kept = snapshots();
            if (!kept.isEmpty() && kept.get(0) >= position) {
                return; // another call took it
            }
            long started = System.nanoTime();
            try {
                // The index's lastMsgId after the position: it covers every message before it.
                // The index goes on growing while it is written: every record it may point at reaches the disk
                // before the snapshot is renamed into place, even with fsync off.
                lastSnapshotBytes = Snapshot.write(journal.folder(), position, index.lastMsgId, out -> {
                    index.write(out);
                    journal.force();
                }, pacer());
                journal.syncFolder();
                // Read back whole before compaction relies on it.
                Snapshot.open(Snapshot.path(journal.folder(), position), pacer()).close();
            } catch (IOException e) {
                if (!stopping) {
                    LOG.warn("Message log: the snapshot of position {} could not be written ({}); start-up reads "
                            + "more of the log until one is", position, e.toString());
                }
                return;
            }
            List<Long> dropped;
            synchronized (this) {
                snapshots.add(0, position);
                dropped = new ArrayList<>(snapshots.subList(Math.min(2, snapshots.size()), snapshots.size()));
                snapshots.removeAll(dropped);
            }
            for (long old : dropped) {
                try {
                    Files.deleteIfExists(Snapshot.path(journal.folder(), old));
                } catch (IOException e) {
                    LOG.warn("Message log: could not delete the old snapshot {}: {}", old, e.toString());
                }
            }
            LOG.debug("Message log: snapshot of position {} ({} bytes) in {} ms", position, lastSnapshotBytes,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Rewrites the sealed segments before the newest snapshot that have enough to give back; with {@code scrub},
     * every one holding a message nobody holds. False when it stopped before the end.
     */
    private boolean compact(boolean scrub) {
        List<Long> kept = snapshots();
        if (kept.isEmpty()) {
            return !scrub;
        }
        long bound = kept.get(0);
        List<Segment> segments = journal.segments();
        for (Segment s : segments.subList(0, segments.size() - 1)) {
            if (stopping) {
                return false;
            }
            if (s.end() > bound) {
                break;
            }
            long epoch = deletions.get();
            if (s.damaged || (s.checkedAt == epoch && !scrub)) {
                continue;
            }
            synchronized (maintenance) {
                if (!compact(s, epoch, scrub)) {
                    return false; // the disk is full, or failing: the next segments would fail the same way
                }
            }
        }
        return true;
    }

    /** What a segment holds that an inbox still needs, and how many messages nobody holds. */
    private record Tally(long liveBytes, int deadMessages) {
    }

    private Tally tally(Segment s) throws IOException {
        long[] live = {0};
        int[] dead = {0};
        s.scan(s.base, s.end(), (position, record) -> {
            if (isLive(position, record)) {
                live[0] += Journal.HEADER + record.limit();
            } else if (record.get(0) == Codec.MESSAGE) {
                dead[0]++;
            }
            return true;
        });
        return new Tally(live[0], dead[0]);
    }

    private boolean isLive(long position, ByteBuffer record) {
        return record.get(0) == Codec.MESSAGE && index.isLive(position, record.duplicate());
    }

    /** Compacts one segment if it is worth it; false when writing failed for a reason other than damage. */
    private boolean compact(Segment s, long epoch, boolean scrub) {
        if (!journal.holds(s)) {
            return true; // another call compacted it meanwhile
        }
        Path target = Segment.path(journal.folder(), s.base, Segment.COMPACTED);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        long started = System.nanoTime();
        try {
            Tally tally = tally(s);
            long size = s.channel.size();
            s.checkedAt = epoch;
            boolean worth = (size - tally.liveBytes()) * 100 >= (long) options.compactMinDeadPercent() * size;
            if (size == 0 || !(worth || (scrub && tally.deadMessages() > 0))) {
                return true;
            }
            int kept;
            try (FileChannel out = temp.create(tmp)) {
                Segment.Writer writer = new Segment.Writer(out, pacer());
                CRC32C crc = new CRC32C();
                int[] n = {0};
                s.scan(s.base, s.end(), (position, record) -> {
                    if (isLive(position, record)) {
                        crc.reset();
                        crc.update(record.duplicate().position(0));
                        writer.add(position - s.base, record.duplicate().position(0), (int) crc.getValue());
                        n[0]++;
                    }
                    return true;
                });
                writer.finish(s.length());
                out.force(true);
                kept = n[0];
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            journal.syncFolder();
            Segment compacted = Segment.compacted(target, s.base);
            journal.replace(s, compacted);
            LOG.info("Message log: compacted {} from {} to {} KiB ({} messages kept) in {} ms", s.file.getFileName(),
                    size >> 10, Files.size(target) >> 10, kept, (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            if (e instanceof Segment.Damaged) {
                s.damaged = true;
                LOG.error("Message log: {}; compaction leaves it as it is, and its messages are read as long as "
                        + "their records are whole", e.getMessage());
                return true;
            }
            LOG.warn("Message log: compacting {} failed ({}); it stays as it was, the server goes on, and compaction "
                    + "tries again after the next deletion", s.file.getFileName(), e.toString());
            return false;
        }
    }
}
