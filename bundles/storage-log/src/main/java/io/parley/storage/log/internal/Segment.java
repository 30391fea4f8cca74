package io.parley.storage.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One file of the message log, holding the records of one range of log positions, {@code [base, base + length)}.
 * Positions are the log's addresses: inboxes point at records by position, and a position never changes.
 *
 * <p>A <em>raw</em> segment is the records as they were appended; the last raw segment is the one being written.
 * A <em>compacted</em> segment keeps only the records still needed, packed together, followed by a table of
 * where each one was in the raw segment and where it is now, so that the same positions still find them:
 * <pre>
 * records..., (int rawOffset, int fileOffset)*, long length, int count, int crc32c(table, length, count), long MAGIC
 * </pre>
 * A compacted file is written whole, synced, and only then renamed into place: it is complete or absent.
 */
final class Segment implements AutoCloseable {

    static final String RAW = ".log";
    static final String COMPACTED = ".compact";
    private static final long MAGIC = 0x506172_6c65_79_43L; // "ParleyC"
    private static final int TRAILER = 8 + 4 + 4 + 8;

    final long base;
    final Path file;
    final FileChannel channel;
    /** Null for a raw segment; for a compacted one, each kept record's offset in the raw segment, ascending. */
    private final int[] rawOffsets;
    /** Where each of those records is in this file. */
    private final int[] fileOffsets;
    /** Bytes of positions this segment covers; for the segment being written, set when it is sealed. */
    private volatile long length;
    /** The deletions counter when compaction last looked at this segment; -1: never. */
    volatile long checkedAt = -1;
    /** Set when compaction found a damaged record: the segment is left as it is. */
    volatile boolean damaged;

    private Segment(long base, Path file, FileChannel channel, int[] rawOffsets, int[] fileOffsets, long length) {
        this.base = base;
        this.file = file;
        this.channel = channel;
        this.rawOffsets = rawOffsets;
        this.fileOffsets = fileOffsets;
        this.length = length;
    }

    static Path path(Path dir, long base, String kind) {
        return dir.resolve(String.format("%020d%s", base, kind));
    }

    /** The base of a segment file's name, or -1 when the name is not a segment's. */
    static long baseOf(String name, String kind) {
        if (!name.endsWith(kind) || name.length() != 20 + kind.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Opens a raw segment; its length is the file's size until {@link #seal}. */
    static Segment raw(Path file, long base, boolean create) throws IOException {
        // A file already there when creating is what a roll that failed half-way left: nothing was written to it.
        FileChannel channel = create
                ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(base, file, channel, null, null, channel.size());
    }

    /** Opens a compacted segment, reading and checking its table. */
    static Segment compacted(Path file, long base) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < TRAILER) {
                throw damaged(file, "it is shorter than its trailer");
            }
            ByteBuffer trailer = readFully(channel, size - TRAILER, TRAILER);
            long length = trailer.getLong();
            int count = trailer.getInt();
            int sum = trailer.getInt();
            if (trailer.getLong() != MAGIC || count < 0 || size - TRAILER < 8L * count) {
                throw damaged(file, "its trailer is not a compacted segment's");
            }
            ByteBuffer table = readFully(channel, size - TRAILER - 8L * count, 8 * count);
            CRC32C crc = new CRC32C();
            crc.update(table.duplicate());
            crc.update(trailer.duplicate().position(0).limit(12));
            if ((int) crc.getValue() != sum) {
                throw damaged(file, "its table fails its checksum");
            }
            int[] raw = new int[count];
            int[] at = new int[count];
            for (int i = 0; i < count; i++) {
                raw[i] = table.getInt();
                at[i] = table.getInt();
            }
            return new Segment(base, file, channel, raw, at, length);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    boolean isCompacted() {
        return rawOffsets != null;
    }

    long length() {
        return length;
    }

    long end() {
        return base + length;
    }

    /** The segment being written becomes read-only at {@code length} bytes. */
    void seal(long length) {
        this.length = length;
    }

    /** Records this compacted segment keeps. */
    int kept() {
        return rawOffsets == null ? -1 : rawOffsets.length;
    }

    /**
     * Reads {@code n} bytes of the record at {@code position}, from its header on; null when compaction has
     * dropped it (no inbox held it any more).
     */
    ByteBuffer read(long position, int n) throws IOException {
        long offset = position - base;
        if (rawOffsets != null) {
            int i = offset > Integer.MAX_VALUE ? -1 : Arrays.binarySearch(rawOffsets, (int) offset);
            if (i < 0) {
                return null;
            }
            offset = fileOffsets[i];
        }
        return readFully(channel, offset, n);
    }

    /** Receives each whole record in order, positioned at its type byte and limited to its end. */
    @FunctionalInterface
    interface Visitor {
        /** False stops the scan. */
        boolean record(long position, ByteBuffer record) throws IOException;
    }

    /** How a scan of raw records ended. */
    record Stop(long offset, String torn, boolean stopped) {
    }

    /**
     * Visits the records from {@code from} (a record's position) up to {@code to}, checking each one. A
     * compacted segment's records all end cleanly; a raw one's end where its bytes end, where zeros begin (space
     * written ahead) or at a torn record ({@link Stop#torn} says why), which is a crash only in the last
     * segment: the caller decides. A bad record followed by more data throws.
     */
    Stop scan(long from, long to, Visitor visitor) throws IOException {
        Window in = new Window();
        CRC32C crc = new CRC32C();
        if (rawOffsets != null) {
            int i = Arrays.binarySearch(rawOffsets, (int) Math.max(0, from - base));
            for (i = i < 0 ? -i - 1 : i; i < rawOffsets.length && base + rawOffsets[i] < to; i++) {
                ByteBuffer head = in.at(fileOffsets[i], Journal.HEADER);
                int len = head.getInt(head.position());
                if (len <= 0 || len > Journal.MAX_RECORD) {
                    throw damaged(file, "a record at byte " + fileOffsets[i] + " has an impossible length");
                }
                ByteBuffer record = checked(in, crc, fileOffsets[i], len, head.getInt(head.position() + 4));
                if (record == null) {
                    throw damaged(file, "a record at byte " + fileOffsets[i] + " fails its checksum");
                }
                if (!visitor.record(base + rawOffsets[i], record)) {
                    return new Stop(rawOffsets[i], null, true);
                }
            }
            return new Stop(Math.min(length, to - base), null, false);
        }
        long size = Math.min(channel.size(), to - base);
        long position = from - base;
        while (position < size) {
            if (size - position < Journal.HEADER) {
                return new Stop(position, "the last record's header is incomplete", false);
            }
            ByteBuffer head = in.at(position, Journal.HEADER);
            int len = head.getInt(head.position());
            int sum = head.getInt(head.position() + 4);
            if (len == 0 && sum == 0 && zerosFrom(position, size)) {
                return new Stop(position, null, false);
            }
            if (len <= 0 || len > Journal.MAX_RECORD) {
                if (zerosFrom(position + Journal.HEADER, size)) {
                    return new Stop(position, "the last record's header is incomplete", false);
                }
                throw damaged(file, "a record at byte " + position + " has an impossible length");
            }
            if (position + Journal.HEADER + len > size) {
                return new Stop(position, "the last record is incomplete", false);
            }
            ByteBuffer record = checked(in, crc, position, len, sum);
            if (record == null) {
                if (zerosFrom(position + Journal.HEADER + len, size)) {
                    return new Stop(position, "the last record is incomplete", false);
                }
                throw damaged(file, "a record at byte " + position + " fails its checksum and more records follow");
            }
            if (!visitor.record(base + position, record)) {
                return new Stop(position, null, true);
            }
            position += Journal.HEADER + len;
        }
        return new Stop(position, null, false);
    }

    /** The record at {@code offset} of this file, positioned at its type byte; null if its checksum fails. */
    private static ByteBuffer checked(Window in, CRC32C crc, long offset, int len, int sum) throws IOException {
        ByteBuffer record = in.at(offset, Journal.HEADER + len);
        record.position(record.position() + Journal.HEADER).limit(record.position() + len);
        crc.reset();
        crc.update(record.duplicate());
        return (int) crc.getValue() == sum ? record.slice() : null;
    }

    /** A read-ahead window over the file, so that scans read it in large blocks. */
    private final class Window {
        private ByteBuffer buf = ByteBuffer.allocate(0);
        private long start;

        /** A view holding bytes [offset, offset + n) of the file, positioned at {@code offset}. */
        ByteBuffer at(long offset, int n) throws IOException {
            if (offset < start || offset + n > start + buf.limit()) {
                if (buf.capacity() < n) {
                    buf = ByteBuffer.allocate(Math.max(n, 1 << 20));
                }
                buf.clear();
                start = offset;
                while (buf.hasRemaining() && channel.read(buf, start + buf.position()) > 0) {
                    // until the window is full or the file ends
                }
                buf.flip();
                if (buf.limit() < n) {
                    throw new IOException(file + " ends before byte " + (offset + n));
                }
            }
            return buf.duplicate().position((int) (offset - start));
        }
    }

    boolean zerosFrom(long offset, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (long at = offset; at < size; at += buf.limit()) {
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

    /** A record or table that fails its checks: damage, not a crash. */
    static final class Damaged extends IOException {
        Damaged(String message) {
            super(message);
        }
    }

    static Damaged damaged(Path file, String why) {
        return new Damaged(file + " is damaged (" + why + "). Restore the message folder from a backup, or "
                + "move it away to start with no messages.");
    }

    static ByteBuffer readFully(FileChannel channel, long offset, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf, offset + buf.position()) < 0) {
                throw new IOException("a segment ends before byte " + (offset + n));
            }
        }
        return buf.flip();
    }

    /** Writes a compacted segment: the kept records, then their table; the caller syncs and renames it. */
    static final class Writer {
        /**
         * Records are gathered here and written a buffer at a time: a system call per record (a compacted segment
         * keeps tens of thousands) was most of compaction's CPU, taken from the messages on a small machine.
         */
        static final int BUFFER = 256 << 10;

        private final FileChannel out;
        private final Pacer pacer;
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        private int[] raw = new int[256];
        private int[] at = new int[256];
        private int count;
        /** Bytes of records added, written or still in the buffer. */
        private long written;
        /** Bytes in the file. */
        private long flushed;

        Writer(FileChannel out, Pacer pacer) {
            this.out = out;
            this.pacer = pacer;
        }

        /**
         * Copies one record that was at {@code rawOffset} of the raw segment: {@code record} is its type and payload,
         * {@code checksum} the CRC32C of them, as in its header.
         */
        void add(long rawOffset, ByteBuffer record, int checksum) throws IOException {
            if (count == raw.length) {
                raw = Arrays.copyOf(raw, count * 2);
                at = Arrays.copyOf(at, count * 2);
            }
            if (rawOffset > Integer.MAX_VALUE || written > Integer.MAX_VALUE) {
                throw new IOException("a segment over 2 GiB cannot be compacted");
            }
            raw[count] = (int) rawOffset;
            at[count++] = (int) written;
            int length = record.remaining();
            if (buffer.remaining() < Journal.HEADER + length) {
                flush();
            }
            if (buffer.remaining() < Journal.HEADER + length) {
                // Larger than the buffer: the header, then the record, each straight to the file.
                write(ByteBuffer.allocate(Journal.HEADER).putInt(length).putInt(checksum).flip());
                write(record.duplicate());
            } else {
                buffer.putInt(length).putInt(checksum).put(record.duplicate());
            }
            written += Journal.HEADER + length;
        }

        private void flush() throws IOException {
            write(buffer.flip());
            buffer.clear();
        }

        private void write(ByteBuffer bytes) throws IOException {
            int n = bytes.remaining();
            while (bytes.hasRemaining()) {
                flushed += out.write(bytes, flushed);
            }
            pacer.written(out, n);
        }

        /** Writes the table and trailer; {@code length} is the raw segment's. */
        void finish(long length) throws IOException {
            flush();
            ByteBuffer table = ByteBuffer.allocate(8 * count + TRAILER);
            for (int i = 0; i < count; i++) {
                table.putInt(raw[i]).putInt(at[i]);
            }
            table.putLong(length).putInt(count);
            crc.update(table.duplicate().flip());
            table.putInt((int) crc.getValue()).putLong(MAGIC).flip();
            write(table);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
