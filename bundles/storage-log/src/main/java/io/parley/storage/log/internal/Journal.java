package io.parley.storage.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append-only file of records. Each record is {@code int length, int crc32c, byte type, payload}, where
 * length and the checksum cover the type and the payload. Records are only ever appended, by one thread, and
 * written whole before anyone is told they exist; a crash can therefore only leave a torn last record, which
 * {@link #replay} cuts off. A bad checksum anywhere before the end is damage, not a crash, and stops the
 * store from opening rather than guessing. While open, the file runs on past its last record with zeros
 * written ahead (see {@link #writeAhead}); a length of 0 marks the end, and a clean close cuts them off.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    static final String FILE = "messages.log";

    /** Length and checksum before each record's type byte. */
    static final int HEADER = 8;

    /** Larger than any record this store writes (a group message to a few thousand members is ~100 KiB). */
    static final int MAX_RECORD = 16 * 1024 * 1024 - 1;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    /** Written by the writer only; read by the space thread too. */
    private volatile long end;
    private boolean replayed;

    // Space written ahead of the end by a thread of its own; see writeAhead.
    /** Zeros kept written ahead of the end. */
    static final long AHEAD = 16L << 20;
    /** Written and synced one at a time. */
    static final int STEP = 256 << 10;
    /**
     * Bytes the file has, written or zero: an fdatasync after a write within them need not update the file's
     * size (measured: 30 % more messages per second at peak with fsync on). Grows under {@link #space}.
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

    Journal(Path dir) throws IOException {
        Files.createDirectories(dir);
        file = dir.resolve(FILE);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            channel.close();
            throw new IOException(file + " is in use by another Parley server (or another store in this one)");
        }
        lock = held;
    }

    Path file() {
        return file;
    }

    /** Where the next record goes: the end of the last whole record. */
    long end() {
        return end;
    }

    /** Receives each whole record in file order, positioned at its type byte and limited to its end. */
    @FunctionalInterface
    interface RecordVisitor {
        void record(long position, ByteBuffer record);
    }

    /**
     * Reads every record from the start, checking each one, and sets {@link #end}. A torn record at the end (a
     * crash during its write) is cut off with a WARN; a bad record followed by more data throws.
     */
    void replay(RecordVisitor visitor) throws IOException {
        long size = channel.size();
        Window in = new Window();
        CRC32C crc = new CRC32C();
        long position = 0;
        while (position < size) {
            if (size - position < HEADER) {
                cut(position, size, "the last record's header is incomplete");
                return;
            }
            ByteBuffer head = in.at(position, HEADER);
            int length = head.getInt(head.position());
            int sum = head.getInt(head.position() + 4);
            if (length == 0 && sum == 0 && zerosFrom(position, size)) {
                // The end: what follows is space written ahead (see writeAhead).
                end = position;
                allocated = size;
                replayed = true;
                return;
            }
            if (length <= 0 || length > MAX_RECORD) {
                if (zerosFrom(position + HEADER, size)) {
                    cut(position, size, "the last record's header is incomplete");
                    return;
                }
                throw damaged(position, "a record has an impossible length");
            }
            if (position + HEADER + length > size) {
                cut(position, size, "the last record is incomplete");
                return;
            }
            ByteBuffer record = in.at(position, HEADER + length);
            record.position(record.position() + HEADER).limit(record.position() + length);
            crc.reset();
            crc.update(record.duplicate());
            if ((int) crc.getValue() != sum) {
                if (zerosFrom(position + HEADER + length, size)) {
                    cut(position, size, "the last record is incomplete");
                    return;
                }
                throw damaged(position, "a record fails its checksum and more records follow");
            }
            visitor.record(position, record.slice());
            position += HEADER + length;
        }
        end = position;
        allocated = position;
        replayed = true;
    }

    /** A read-ahead window over the file, so that replay reads it in large blocks. */
    private final class Window {
        private ByteBuffer buf = ByteBuffer.allocate(0);
        private long start;

        /** A view holding bytes [position, position + n) of the file, positioned at {@code position}. */
        ByteBuffer at(long position, int n) throws IOException {
            if (position < start || position + n > start + buf.limit()) {
                if (buf.capacity() < n) {
                    buf = ByteBuffer.allocate(Math.max(n, 1 << 20));
                }
                buf.clear();
                start = position;
                while (buf.hasRemaining() && channel.read(buf, start + buf.position()) > 0) {
                    // until the window is full or the file ends
                }
                buf.flip();
                if (buf.limit() < n) {
                    throw new IOException(file + " ends before byte " + (position + n));
                }
            }
            return buf.duplicate().position((int) (position - start));
        }
    }

    private boolean zerosFrom(long position, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (long at = position; at < size; at += buf.limit()) {
            buf.clear();
            if (channel.read(buf, at) <= 0) {
                return true;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                if (buf.get() != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private IOException damaged(long position, String why) {
        return new IOException(file + " is damaged at byte " + position + " (" + why + "). Restore it from a "
                + "backup, or move it away to start with no messages.");
    }

    private void cut(long position, long size, String why) throws IOException {
        channel.truncate(position);
        channel.force(true);
        end = position;
        allocated = position;
        replayed = true;
        LOG.warn("{}: {}; cut {} bytes at byte {} (a write that was never acknowledged)", file, why, size - position, position);
    }

    /** Writes whole records (as {@link Codec.Records} made them) at the end; with {@code sync}, to the disk. */
    void append(ByteBuffer records, boolean sync) throws IOException {
        long at = end;
        try {
            if (end + records.remaining() > allocated) {
                // The space thread fell behind (or has not started): this write waits for the space it needs.
                extend(end + records.remaining());
            }
            while (records.hasRemaining()) {
                at += channel.write(records, at);
            }
            if (sync) {
                channel.force(false);
            }
        } catch (IOException e) {
            // Leave no part of the batch behind: its writers are told it failed.
            try {
                channel.write(ByteBuffer.allocate((int) (at - end)), end);
            } catch (IOException | RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        end = at;
        writeAhead();
    }

    /**
     * Keeps at least {@link #AHEAD} bytes of zeros written ahead of the end, from a thread of its own. Writing
     * 16 MiB of zeros and syncing them in the writer's path took 12 to 18 ms on this machine's disk, and every
     * message waited meanwhile (the p99.9 at half of peak was 50 ms, fsync off); in steps of {@link #STEP},
     * each synced on its own, a write's fdatasync finds at most one step of zeros still to flush.
     */
    private void writeAhead() {
        if (allocated - end >= AHEAD || !extending.compareAndSet(false, true)) {
            return;
        }
        long target = end + 2 * AHEAD;
        try {
            ahead.execute(() -> {
                try {
                    extend(target);
                } catch (IOException | RuntimeException e) {
                    // The next write that needs the space tries again, and fails its batch if it cannot.
                    LOG.warn("{}: writing space ahead failed: {}", file, e.toString());
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
                // Never below the end: space before it holds records.
                long at = Math.max(allocated, end);
                if (at >= target) {
                    return;
                }
                zeros.clear();
                while (zeros.hasRemaining()) {
                    channel.write(zeros, at + zeros.position());
                }
                channel.force(false);
                allocated = at + STEP;
            }
        }
    }

    /** Reads {@code length} bytes at {@code position}: a record's start, from its header on. */
    ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException(file + " ends before byte " + (position + length));
            }
        }
        return buf.flip();
    }

    /** Gives back the space written ahead, so a stopped server's file ends with its last record. */
    @Override
    public void close() throws IOException {
        closing = true;
        ahead.shutdown();
        try {
            // Not interrupted: an interrupt during its I/O would close the channel under the writes below.
            if (!ahead.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("{}: the space thread did not stop in 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // Only once replay found the end: a log that failed to open is left exactly as it is.
            if (replayed && channel.isOpen() && channel.size() > end) {
                channel.truncate(end);
            }
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }
}
