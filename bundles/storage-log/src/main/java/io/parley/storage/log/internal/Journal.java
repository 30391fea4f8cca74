package io.parley.storage.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log: records in {@link Segment} files, each named after the position of its first byte. Each record is
 * {@code int length, int crc32c, byte type, payload}, where length and the checksum cover the type and the
 * payload. Records are only ever appended, by one thread, to the last segment, and written whole before anyone
 * is told they exist; a crash can therefore only leave a torn last record, which {@link #replay} cuts off. A bad
 * checksum anywhere before the end is damage, not a crash, and stops the store from opening rather than
 * guessing. When the last segment reaches the segment size the next write starts a new one, and the one before
 * can be compacted ({@link Compactor}). While open, the last segment runs on past its last record with zeros
 * written ahead (see {@link #writeAhead}); a length of 0 marks the end, and a clean close cuts them off.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** The one file of the log before it had segments; opened as the segment at position 0. */
    static final String OLD_FILE = "messages.log";

    /** Length and checksum before each record's type byte. */
    static final int HEADER = 8;

    /** Larger than any record this store writes (a group message to a few thousand members is ~100 KiB). */
    static final int MAX_RECORD = 16 * 1024 * 1024 - 1;

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final long segmentBytes;
    private final Runnable rolled;
    /** By base; the last one is written. */
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile Segment active;
    /** Written by the writer only; read by the space thread too. */
    private volatile long end;
    private boolean replayed;

    // Space written ahead of the end by a thread of its own; see writeAhead.
    /** Zeros kept written ahead of the end. */
    static final long AHEAD = 16L << 20;
    /** Written and synced one at a time. */
    static final int STEP = 256 << 10;
    /**
     * The position up to which the last segment has bytes, written or zero: an fdatasync after a write within
     * them need not update the file's size (measured: 30 % more messages per second at peak with fsync on).
     * Grows under {@link #space}, which also guards a change of the last segment.
     */
    private volatile long allocated;
    private final Object space = new Object();
    private final AtomicBoolean extending = new AtomicBoolean();
    private volatile boolean closing;
    private final ExecutorService ahead = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parley-message-log-space");
        t.setDaemon(true);
        return t;
    });

    /**
     * Locks the folder and opens its segments (none are read yet; see {@link #replay}). {@code rolled} runs on the
     * writer thread after each new segment is started.
     */
    Journal(Path dir, long segmentBytes, Runnable rolled) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.rolled = rolled;
        Files.createDirectories(dir);
        lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            lockFile.close();
            throw new IOException(dir + " is in use by another Parley server (or another store in this one)");
        }
        lock = held;
        try {
            openSegments();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void openSegments() throws IOException {
        Path old = dir.resolve(OLD_FILE);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(".tmp")) {
                Files.delete(f); // a compaction or snapshot cut short: its original is still in place
            }
        }
        for (Path f : files) {
            long base = Segment.baseOf(f.getFileName().toString(), Segment.COMPACTED);
            if (base >= 0) {
                // Renamed into place whole: the raw segment it replaces may still be there after a crash. It goes
                // only once the compacted one has been read and checked.
                segments.put(base, Segment.compacted(f, base));
                if (Files.deleteIfExists(Segment.path(dir, base, Segment.RAW))) {
                    syncFolder();
                }
            }
        }
        for (Path f : files) {
            long base = Segment.baseOf(f.getFileName().toString(), Segment.RAW);
            if (base >= 0 && !segments.containsKey(base) && Files.exists(f)) {
                segments.put(base, Segment.raw(f, base, false));
            }
        }
        if (Files.exists(old)) {
            if (!segments.isEmpty()) {
                throw new IOException(dir + " holds both " + OLD_FILE + " and segment files; move one away");
            }
            Path first = Segment.path(dir, 0, Segment.RAW);
            Files.move(old, first);
            syncFolder();
            LOG.info("Message log: {} is now the first segment, {}", old, first.getFileName());
            segments.put(0L, Segment.raw(first, 0, false));
        }
        if (segments.isEmpty()) {
            segments.put(0L, Segment.raw(Segment.path(dir, 0, Segment.RAW), 0, true));
            syncFolder();
        }
        long expected = segments.firstKey();
        for (Segment s : segments.values()) {
            if (s.base != expected) {
                throw new IOException(dir + " misses the segment of positions " + expected + " to " + s.base
                        + ". Restore the message folder from a backup.");
            }
            expected = s.end();
        }
        active = segments.lastEntry().getValue();
        if (active.isCompacted()) {
            throw new IOException(dir + ": the last segment, " + active.file.getFileName() + ", is a compacted one; "
                    + "the segment after it is missing. Restore the message folder from a backup.");
        }
    }

    /** Where the next record goes: the end of the last whole record. */
    long end() {
        return end;
    }

    /** The segments, oldest first. */
    List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    /** Whether the segment is still the log's, not replaced by a compacted one. */
    boolean holds(Segment s) {
        return segments.get(s.base) == s;
    }

    /** The first position the log still has. */
    long start() {
        return segments.firstKey();
    }

    /**
     * Reads every record from {@code from} (the position a snapshot was taken at, or the log's start), checking
     * each one, and sets {@link #end}. A torn record at the end of the last segment (a crash during its write)
     * is cut off with a WARN; anything else that stops the records early throws.
     */
    void replay(long from, Segment.Visitor visitor) throws IOException {
        for (Segment s : segments.values()) {
            if (s.end() <= from && s != active) {
                continue;
            }
            if (s.isCompacted()) {
                throw new IOException(s.file + " is compacted but holds positions after the snapshot (" + from
                        + "); the snapshot it belongs with is missing. Restore the message folder from a backup.");
            }
            long size = s.channel.size();
            Segment.Stop stop = s.scan(Math.max(from, s.base), Long.MAX_VALUE, visitor);
            if (s != active) {
                if (stop.offset() != size) {
                    throw Segment.damaged(s.file, stop.torn() != null ? stop.torn() : "zeros before its end");
                }
                continue;
            }
            end = s.base + stop.offset();
            allocated = s.base + size;
            if (stop.torn() != null) {
                s.channel.truncate(stop.offset());
                s.channel.force(true);
                allocated = end;
                LOG.warn("{}: {}; cut {} bytes at byte {} (a write that was never acknowledged)", s.file, stop.torn(),
                        size - stop.offset(), stop.offset());
            }
        }
        replayed = true;
    }

    /** Visits the records from {@code from} up to {@code to}, across segments; the visitor may stop early. */
    void scan(long from, long to, Segment.Visitor visitor) throws IOException {
        for (Segment s : segments.tailMap(segments.floorKey(Math.max(from, start()))).values()) {
            if (s.base >= to) {
                return;
            }
            if (s.scan(Math.max(from, s.base), to, visitor).stopped()) {
                return;
            }
        }
    }

    /**
     * Reads {@code length} bytes of the record at {@code position}, from its header on; null when no segment
     * holds it any more (compaction dropped it).
     */
    ByteBuffer read(long position, int length) throws IOException {
        // A read on a thread whose interrupt flag is set would close the channel, the segment's for every reader:
        // the flag waits until the read is done.
        boolean interrupted = Thread.interrupted();
        try {
            return readOnce(position, length);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ByteBuffer readOnce(long position, int length) throws IOException {
        for (int attempt = 0;; attempt++) {
            Map.Entry<Long, Segment> e = segments.floorEntry(position);
            if (e == null) {
                return null;
            }
            try {
                return e.getValue().read(position, length);
            } catch (ClosedChannelException closed) {
                // Compaction put a new file in its place and closed this one: read the new one.
                if (attempt == 3 || closing) {
                    throw closed;
                }
            }
        }
    }

    /** Reads the whole record at {@code position}, positioned at its type byte; null when it is gone. */
    ByteBuffer readRecord(long position) throws IOException {
        ByteBuffer head = read(position, HEADER);
        if (head == null) {
            return null;
        }
        int length = head.getInt(0);
        if (length <= 0 || length > MAX_RECORD) {
            throw new IOException(dir + ": the record at position " + position + " has an impossible length");
        }
        ByteBuffer whole = read(position, HEADER + length);
        return whole == null ? null : whole.position(HEADER);
    }

    /** Writes whole records (as {@link Codec.Records} made them) at the end; with {@code sync}, to the disk. */
    void append(ByteBuffer records, boolean sync) throws IOException {
        if (end - active.base >= segmentBytes) {
            roll();
        }
        Segment s = active;
        long at = end;
        try {
            if (end + records.remaining() > allocated) {
                // The space thread fell behind (or has not started): this write waits for the space it needs.
                extend(end + records.remaining());
            }
            while (records.hasRemaining()) {
                at += s.channel.write(records, at - s.base);
            }
            if (sync) {
                s.channel.force(false);
            }
        } catch (IOException e) {
            // Leave no part of the batch behind: its writers are told it failed.
            try {
                s.channel.write(ByteBuffer.allocate((int) (at - end)), end - s.base);
            } catch (IOException | RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        end = at;
        writeAhead();
    }

    /** Syncs the last segment's records to the disk (the ones before it were synced when they were sealed). */
    void force() throws IOException {
        active.channel.force(false);
    }

    /** Starts a new segment now unless the last one is empty: called by the writer thread between batches. */
    void rollNow() throws IOException {
        if (end > active.base) {
            roll();
        }
    }

    /** Ends the last segment at the end of its records and starts the next one there. */
    private void roll() throws IOException {
        synchronized (space) {
            Segment last = active;
            last.channel.truncate(end - last.base);
            last.channel.force(true);
            allocated = end;
            Segment next = Segment.raw(Segment.path(dir, end, Segment.RAW), end, true);
            try {
                syncFolder();
            } catch (IOException e) {
                next.close();
                throw e;
            }
            last.seal(end - last.base);
            segments.put(end, next);
            active = next;
        }
        rolled.run();
    }

    /**
     * Puts a compacted segment in the place of the one it was made from; readers of the old file move to the new
     * one (see {@link #read}). The new file is already synced and in place under its own name.
     */
    void replace(Segment old, Segment compacted) throws IOException {
        segments.put(old.base, compacted);
        old.close();
        if (!old.file.equals(compacted.file)) {
            Files.deleteIfExists(old.file);
        }
        syncFolder();
    }

    Path folder() {
        return dir;
    }

    /** Makes renames, new files and deletions in the folder durable. */
    void syncFolder() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    /**
     * Keeps at least {@link #AHEAD} bytes of zeros written ahead of the end, from a thread of its own. Writing
     * 16 MiB of zeros and syncing them in the writer's path took 12 to 18 ms on this machine's disk, and every
     * message waited meanwhile (the p99.9 at half of peak was 50 ms, fsync off); in steps of {@link #STEP},
     * each synced on its own, a write's fdatasync finds at most one step of zeros still to flush.
     */
    private void writeAhead() {
        // Not far past the segment's size: a new segment starts there, and the rest would be cut off.
        long limit = active.base + segmentBytes + STEP;
        if (allocated - end >= AHEAD || allocated >= limit || !extending.compareAndSet(false, true)) {
            return;
        }
        long target = Math.min(end + 2 * AHEAD, limit);
        try {
            ahead.execute(() -> {
                try {
                    extend(target);
                } catch (IOException | RuntimeException e) {
                    // The next write that needs the space tries again, and fails its batch if it cannot.
                    LOG.warn("{}: writing space ahead failed: {}", dir, e.toString());
                } finally {
                    extending.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            extending.set(false); // closing
        }
    }

    /** Writes zeros past {@link #allocated} until it reaches target, one synced step at a time. */
    private void extend(long target) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(STEP);
        while (allocated < target && !closing) {
            synchronized (space) {
                Segment s = active;
                // Never below the end: space before it holds records.
                long at = Math.max(allocated, end);
                if (at >= target || target <= s.base) {
                    return;
                }
                zeros.clear();
                while (zeros.hasRemaining()) {
                    s.channel.write(zeros, at - s.base + zeros.position());
                }
                s.channel.force(false);
                allocated = at + STEP;
            }
        }
    }

    /** Gives back the space written ahead, so a stopped server's last segment ends with its last record. */
    @Override
    public void close() throws IOException {
        closing = true;
        ahead.shutdown();
        try {
            // Not interrupted: an interrupt during its I/O would close the channel under the writes below.
            if (!ahead.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: the space thread did not stop in 10 s", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Segment s = active;
            // Only once replay found the end: a log that failed to open is left exactly as it is.
            if (replayed && s != null && s.channel.isOpen() && s.channel.size() > end - s.base) {
                s.channel.truncate(end - s.base);
            }
        } finally {
            for (Segment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.warn("Closing {}: {}", s.file, e.toString());
                }
            }
            if (lock.isValid()) {
                lock.release();
            }
            lockFile.close();
        }
    }
}
