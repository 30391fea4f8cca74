package io.parley.storage.log.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The log's index (inboxes, cursors, cids) as it was at one position of the log, so that start-up reads it and
 * then only the records after that position: start-up time follows the index, not the log's history. Files are
 * named after their position, written under a temporary name, synced and renamed: each is whole or absent, and
 * a checksum over all of it finds damage. The two newest are kept; compaction only rewrites segments that end
 * before the older one, so either can start the server on its own (see {@link Compactor}).
 *
 * <pre>
 * long MAGIC, long position, long lastMsgId, index..., int crc32c, long MAGIC
 * </pre>
 */
final class Snapshot {

    static final String SUFFIX = ".snapshot";
    private static final long MAGIC = 0x5061726c65795349L; // "ParleySI"

    private Snapshot() {
    }

    static Path path(Path dir, long position) {
        return dir.resolve(String.format("%020d%s", position, SUFFIX));
    }

    /** The snapshots in a folder, newest first. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Segment.baseOf(f.getFileName().toString(), SUFFIX) >= 0)
                    .sorted(Comparator.comparingLong((Path f) -> position(f)).reversed()).toList();
        }
    }

    static long position(Path snapshot) {
        return Segment.baseOf(snapshot.getFileName().toString(), SUFFIX);
    }

    /** What writes the index's part of a snapshot. */
    @FunctionalInterface
    interface Body {
        void write(Out out) throws IOException;
    }

    /**
     * Writes the snapshot of {@code position} at the pacer's rate, giving up when it says the store stops; returns
     * its size. The caller's folder sync makes it durable.
     */
    static long write(Path dir, long position, long lastMsgId, Body body, Pacer pacer) throws IOException {
        Path target = path(dir, position);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Out out = new Out(channel, pacer);
            out.putLong(MAGIC);
            out.putLong(position);
            out.putLong(lastMsgId);
            body.write(out);
            out.finish();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Files.size(target);
    }

    /** A snapshot's header as read; its index follows in {@link In}. */
    record Header(long position, long lastMsgId) {
    }

    /** Opens a snapshot, checks its checksum and trailer whole, and reads its header. */
    static In open(Path file) throws IOException {
        return open(file, Pacer.unlimited());
    }

    /** The same, reading the file at the pacer's rate (the background thread's check of a snapshot it wrote). */
    static In open(Path file, Pacer pacer) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 24 + 12) {
                throw new IOException(file + " is too short for a snapshot");
            }
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long at = 0;
            while (at < size - 12) {
                buf.clear().limit((int) Math.min(buf.capacity(), size - 12 - at));
                int n = channel.read(buf, at);
                if (n < 0) {
                    throw new IOException(file + " ends early");
                }
                crc.update(buf.flip());
                at += n;
                pacer.paced(n);
            }
            ByteBuffer trailer = Segment.readFully(channel, size - 12, 12);
            if (trailer.getInt() != (int) crc.getValue() || trailer.getLong() != MAGIC) {
                throw new IOException(file + " fails its checksum");
            }
            In in = new In(channel, size - 12);
            if (in.getLong() != MAGIC) {
                throw new IOException(file + " is not a snapshot");
            }
            in.header = new Header(in.getLong(), in.getLong());
            if (in.header.position() != position(file)) {
                throw new IOException(file + " holds the snapshot of position " + in.header.position());
            }
            return in;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Buffered writing of primitives to a channel, with a running checksum. */
    static final class Out {
        private final FileChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        private final CRC32C crc = new CRC32C();
        private final Pacer pacer;

        Out(FileChannel channel, Pacer pacer) {
            this.channel = channel;
            this.pacer = pacer;
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        private void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            int n = buf.remaining();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            buf.clear();
            pacer.written(channel, n);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putLongs(long[] values, int from, int n) throws IOException {
            for (int i = from; i < from + n; i++) {
                room(8);
                buf.putLong(values[i]);
            }
        }

        void putString(String s) throws IOException {
            byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            room(4);
            buf.putInt(bytes.length);
            for (int at = 0; at < bytes.length;) {
                room(1);
                int n = Math.min(buf.remaining(), bytes.length - at);
                buf.put(bytes, at, n);
                at += n;
            }
        }

        void finish() throws IOException {
            flush();
            ByteBuffer trailer = ByteBuffer.allocate(12).putInt((int) crc.getValue()).putLong(MAGIC).flip();
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
        }
    }

    /** Buffered reading of what {@link Out} wrote; the file was checked whole when opened. */
    static final class In implements AutoCloseable {
        private final FileChannel channel;
        private final long end;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).limit(0);
        private long at;
        Header header;

        In(FileChannel channel, long end) {
            this.channel = channel;
            this.end = end;
        }

        Header header() {
            return header;
        }

        /** Bytes not read yet. */
        long remaining() {
            return end - at + buf.remaining();
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            buf.compact();
            while (buf.position() < n) {
                if (at >= end) {
                    throw new IOException("the snapshot ends early");
                }
                buf.limit((int) Math.min(buf.capacity(), buf.position() + end - at));
                int read = channel.read(buf, at);
                if (read < 0) {
                    throw new IOException("the snapshot ends early");
                }
                at += read;
            }
            buf.flip();
        }

        long getLong() throws IOException {
            need(8);
            return buf.getLong();
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        long[] getLongs(int n, int capacity) throws IOException {
            long[] values = new long[capacity];
            for (int i = 0; i < n; i++) {
                values[i] = getLong();
            }
            return values;
        }

        String getString() throws IOException {
            int length = getInt();
            if (length < 0 || length > 1 << 20) {
                throw new IOException("a string of " + length + " bytes in the snapshot");
            }
            byte[] bytes = new byte[length];
            for (int got = 0; got < length;) {
                need(1);
                int n = Math.min(buf.remaining(), length - got);
                buf.get(bytes, got, n);
                got += n;
            }
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
