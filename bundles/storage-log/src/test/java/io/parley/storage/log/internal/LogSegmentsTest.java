package io.parley.storage.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log in segments: snapshots at start-up, retention and erasure given back by compaction, and its faults. */
class LogSegmentsTest {

    /** Small segments, so that a few hundred messages make many; compaction only when a test asks. */
    private static final LogMessageStore.Options SMALL = new LogMessageStore.Options(true, 20, 65536, 4096, 3600, 25, 0, 100);

    @TempDir
    Path dir;

    private final List<LogMessageStore> opened = new ArrayList<>();
    private final AtomicBoolean diskFull = new AtomicBoolean();

    private LogMessageStore open() {
        LogMessageStore store = new LogMessageStore(dir, SMALL,
                tmp -> diskFull.get() ? new FullDisk(Compactor.DISK.create(tmp)) : Compactor.DISK.create(tmp));
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(LogMessageStore::close);
    }

    private static void direct(LogMessageStore store, long from, long to, String text, long ts) {
        store.append(new NewMessage(from, "u" + from, to, "u" + to, null, InboxEntry.MSG, text, null, text, ts),
                List.of(from, to));
    }

    private static List<String> texts(LogMessageStore store, long user) {
        return store.pull(user, 0, Integer.MAX_VALUE).stream().map(InboxEntry::text).toList();
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Whether any file in the folder holds the text, in UTF-8. */
    private boolean onDisk(String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                outer:
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (bytes[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes filler messages (user 8 to 9) until the log has moved on by at least {@code bytes}. */
    private static void grow(LogMessageStore store, long bytes) {
        long until = store.journal().end() + bytes;
        for (int i = 0; store.journal().end() < until; i++) {
            direct(store, 8, 9, "filler " + System.nanoTime() + " " + i, 10_000);
        }
    }

    /** Moves the log on past what was written so far, then takes a snapshot and compacts up to it. */
    private static void compactNow(LogMessageStore store) {
        grow(store, 5000);
        store.maintainNow();
    }

    @Test
    void snapshotsComeRarerAsTheIndexGrows() throws IOException {
        LogMessageStore store = new LogMessageStore(dir, new LogMessageStore.Options(true, 20, 65536, 4096, 3600, 25, 0,
                400), Compactor.DISK);
        opened.add(store);
        grow(store, 50_000);
        store.maintainNow();
        long newest = store.snapshots().get(0);
        long size = Files.size(Snapshot.path(dir, newest));
        assertTrue(size > 4096, "a snapshot larger than a segment: " + size);
        // Each new segment wakes the background thread too; it takes no snapshot that is not due either.
        grow(store, 2 * size);
        store.maintainWhenDue();
        assertEquals(newest, store.snapshots().get(0), "grown by twice the snapshot's size: not due at 400 %");
        grow(store, 2 * size + 4096);
        store.maintainWhenDue();
        assertTrue(store.snapshots().get(0) > newest, "grown by more than four times its size: due");
    }

    @Test
    void startUpReadsTheSnapshotAndOnlyTheRecordsAfterIt() {
        LogMessageStore first = open();
        for (int i = 0; i < 300; i++) {
            direct(first, 1, 2, "before " + i, 100);
        }
        first.ack(2, "pc", 120);
        first.maintainNow();
        for (int i = 0; i < 20; i++) {
            direct(first, 2, 1, "after " + i, 100);
        }
        first.ack(2, "pc", 310);
        List<String> before = texts(first, 2);
        long end = first.journal().end();
        first.close();
        long snapshot = first.snapshots().get(0);
        assertTrue(snapshot < end, "records follow the snapshot, for start-up to replay");
        assertTrue(first.journal().segments().size() > 5, "the log rolled into segments");

        LogMessageStore second = open();
        assertEquals(snapshot, second.replayedFrom(), "start-up read from the snapshot on");
        assertTrue(snapshot > 0);
        assertEquals(before, texts(second, 2));
        assertEquals(320, second.lastSeq(1));
        assertEquals(310, second.acked(2, "pc"));
        assertTrue(second.findByCid(1, "before 7").isPresent(), "cids before the snapshot come from it");
        assertTrue(second.findByCid(2, "after 3").isPresent(), "and after it from the records");
        direct(second, 1, 2, "next", 100);
        assertEquals(321, second.lastSeq(2));
    }

    @Test
    void retentionAndCompactionGiveTheSpaceBackAndKeepEveryThingElse() throws IOException {
        LogMessageStore store = open();
        for (int i = 0; i < 200; i++) {
            direct(store, 1, 2, "old " + i, 100);
        }
        for (int i = 0; i < 50; i++) {
            direct(store, 2, 1, "new " + i, 5000);
        }
        store.ack(1, "pc", 240);
        java.util.Map<Long, Long> before = sealedSizes(store);
        assertEquals(150, store.deleteBefore(1000, 150));
        assertEquals(50, store.deleteBefore(1000, 150));
        assertEquals(0, store.deleteBefore(1000, 150));
        compactNow(store);

        assertFalse(files(Segment.COMPACTED).isEmpty(), "old segments were compacted");
        assertFalse(onDisk("old 17"), "a deleted message is gone from the disk");
        assertTrue(onDisk("new 17"));
        List<String> kept = texts(store, 2);
        assertEquals(50, kept.size());
        assertEquals("new 0", kept.get(0));
        assertEquals(201, store.pull(2, 0, 1).get(0).seq(), "seqs stay as they were");
        long was = before.values().stream().mapToLong(Long::longValue).sum();
        long now = sealedSizes(store).entrySet().stream().filter(e -> before.containsKey(e.getKey()))
                .mapToLong(java.util.Map.Entry::getValue).sum();
        assertTrue(now * 2 < was, "the old messages' space is given back: " + now + " bytes, from " + was);

        store.close();
        LogMessageStore again = open();
        assertEquals(kept, texts(again, 2));
        assertEquals(240, again.acked(1, "pc"));
        assertTrue(again.findByCid(2, "new 3").isPresent());
        assertTrue(again.findByCid(1, "old 3").isEmpty());
        direct(again, 1, 2, "after", 6000);
        assertEquals(251, again.lastSeq(2), "a seq is never handed out twice");
    }

    @Test
    void aRecordLargerThanCompactionsBufferIsKeptWhole() throws IOException {
        LogMessageStore store = open();
        direct(store, 7, 8, "erased 1", 100);
        direct(store, 1, 2, "before", 5000);
        // In the same segment as the one erased, after a record the compaction's buffer holds: compacting it copies
        // this one past the buffer, in order.
        byte[] noise = new byte[Segment.Writer.BUFFER];
        new java.util.Random(7).nextBytes(noise);
        String big = "big " + java.util.Base64.getEncoder().encodeToString(noise);
        store.append(new NewMessage(1, "u1", 2L, "u2", null, InboxEntry.MSG, big, null, "big", 5000), List.of(1L, 2L));
        direct(store, 1, 2, "after", 5000);
        grow(store, 5000);
        List<InboxEntry> kept = store.pull(2, 0, 3);
        assertEquals(List.of("before", big, "after"), kept.stream().map(InboxEntry::text).toList());
        store.erase(7);
        store.erase(8);
        store.maintainNow();

        assertFalse(onDisk("erased 1"), "the segment was compacted");
        assertEquals(kept, store.pull(2, 0, 3));
        store.close();
        assertEquals(kept, open().pull(2, 0, 3));
    }

    /** The file size of each segment but the last, by base. */
    private static java.util.Map<Long, Long> sealedSizes(LogMessageStore store) throws IOException {
        java.util.Map<Long, Long> sizes = new java.util.TreeMap<>();
        List<Segment> segments = store.journal().segments();
        for (Segment s : segments.subList(0, segments.size() - 1)) {
            sizes.put(s.base, Files.size(s.file));
        }
        return sizes;
    }

    @Test
    void erasureTakesWhatOnlyTheUserHeldOffTheDiskAndLeavesTheOthersTheirCopies() throws IOException {
        LogMessageStore store = open();
        direct(store, 1, 2, "shared words", 100);
        store.append(new NewMessage(2, "u2", null, null, null, InboxEntry.EVENT, null, "{\"secret\":\"only-bob\"}",
                "solo", 100), List.of(2L));
        store.ack(2, "pc", 2);
        assertEquals(2, store.erase(2));
        compactNow(store);

        assertFalse(onDisk("only-bob"), "what only the erased user held is gone from the disk");
        assertEquals(List.of("shared words"), texts(store, 1), "the other party keeps the copy");
        store.close();
        LogMessageStore again = open();
        assertEquals(List.of(), texts(again, 2));
        assertEquals(0, again.acked(2, "pc"));
        assertEquals(2, again.lastSeq(2));
        assertEquals(List.of("shared words"), texts(again, 1));
    }

    @Test
    void aDamagedNewestSnapshotStartsFromTheOneBeforeWhileNothingAfterItWasCompacted() throws IOException {
        LogMessageStore store = open();
        for (int i = 0; i < 100; i++) {
            direct(store, 1, 2, "m " + i, 100);
        }
        compactNow(store);
        compactNow(store);
        assertTrue(files(Segment.COMPACTED).isEmpty(), "nothing to give back, so nothing was compacted");
        List<Long> snapshots = store.snapshots();
        assertEquals(2, snapshots.size());
        List<String> before = texts(store, 2);
        store.close();
        Path newest = Snapshot.path(dir, snapshots.get(0));
        damage(newest, Files.size(newest) / 2);

        LogMessageStore again = open();
        assertEquals(snapshots.get(1), again.replayedFrom());
        assertEquals(before, texts(again, 2));
        assertTrue(Files.exists(newest.resolveSibling(newest.getFileName() + ".damaged")), "set aside for the operator");
    }

    @Test
    void aCompactedLogWithoutAReadableSnapshotAnswersUnavailable() throws IOException {
        LogMessageStore store = open();
        for (int i = 0; i < 100; i++) {
            direct(store, 1, 2, "m " + i, 100);
        }
        store.deleteBefore(1000, 10);
        compactNow(store);
        store.close();
        for (Path snapshot : files(Snapshot.SUFFIX)) {
            damage(snapshot, 30);
        }
        LogMessageStore again = open();
        ParleyException e = assertThrows(ParleyException.class, () -> again.pull(2, 0, 10));
        assertEquals(Status.UNAVAILABLE, e.status());
        assertFalse(files(Segment.COMPACTED).isEmpty(), "nothing was changed");
    }

    @Test
    void aDiskThatFillsDuringCompactionLeavesTheSegmentAsItWasAndTheServerServing() throws IOException {
        LogMessageStore store = open();
        for (int i = 0; i < 200; i++) {
            direct(store, 1, 2, "old " + i, 100);
        }
        store.deleteBefore(1000, 1000);
        List<Path> raw = files(Segment.RAW);
        diskFull.set(true);
        compactNow(store);

        assertTrue(files(Segment.COMPACTED).isEmpty(), "nothing was compacted");
        assertTrue(files(".tmp").isEmpty(), "no half-written file is left");
        assertTrue(files(Segment.RAW).containsAll(raw), "the segments are as they were");
        direct(store, 1, 2, "still serving", 5000);
        assertEquals(List.of("still serving"), texts(store, 2));

        diskFull.set(false);
        store.erase(7); // a deletion: compaction looks again
        store.maintainNow();
        assertFalse(files(Segment.COMPACTED).isEmpty(), "with space, it compacts");
        assertEquals(List.of("still serving"), texts(store, 2));
    }

    @Test
    void compactionLeavesADamagedSegmentAloneAndTheRestIsServed() throws IOException {
        LogMessageStore store = open();
        for (int i = 0; i < 200; i++) {
            direct(store, 1, 2, "old " + i, 100);
        }
        direct(store, 1, 3, "for carol", 5000);
        store.deleteBefore(1000, 1000);
        Path first = Segment.path(dir, 0, Segment.RAW);
        damage(first, 20);
        compactNow(store);

        assertTrue(Files.exists(first), "the damaged segment is left as it was");
        assertFalse(files(Segment.COMPACTED).isEmpty(), "the others were compacted");
        assertEquals(List.of("for carol"), texts(store, 3));
        direct(store, 1, 3, "more", 6000);
        assertEquals(2, store.lastSeq(3));
    }

    /**
     * Senders, retention, erasure of a bystander, readers and the background thread all at once, on segments small
     * enough that compaction and snapshots run throughout: every message answered OK is read back at its seq,
     * during the run and after a restart, and every old one is gone.
     */
    @Test
    void compactionWhileMessagesFlowLosesNothingAnswered() throws Exception {
        LogMessageStore store = open();
        int senders = 4;
        int each = 400;
        java.util.Map<String, Long> answered = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders + 2);
        List<java.util.concurrent.Future<?>> work = new ArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        for (int t = 0; t < senders; t++) {
            long from = 10 + t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    boolean old = i % 2 == 0;
                    String text = (old ? "old " : "keep ") + from + "-" + i;
                    var a = store.append(new NewMessage(from, "u" + from, 2L, "u2", null, InboxEntry.MSG, text, null,
                            text, old ? 100 : 5000), List.of(from, 2L, 99L));
                    if (!old) {
                        answered.put(text, a.seqs().get(2L));
                    }
                }
                return null;
            }));
        }
        work.add(pool.submit(() -> {
            while (sending.get()) {
                store.deleteBefore(1000, 50);
                store.erase(99);
                store.maintainNow();
            }
            return null;
        }));
        work.add(pool.submit(() -> {
            while (sending.get()) {
                java.util.Map<String, Long> seen = new java.util.HashMap<>();
                store.pull(2, 0, Integer.MAX_VALUE).forEach(e -> seen.put(e.text(), e.seq()));
                // Answered before this read started: each one must be there, at its seq.
                for (var e : java.util.Map.copyOf(answered).entrySet()) {
                    if (seen.containsKey(e.getKey())) {
                        assertEquals(e.getValue(), seen.get(e.getKey()), e.getKey());
                    }
                }
            }
            return null;
        }));
        for (java.util.concurrent.Future<?> f : work.subList(0, senders)) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        sending.set(false);
        for (java.util.concurrent.Future<?> f : work) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        while (store.deleteBefore(1000, 1000) > 0) {
            // the rest of the old ones
        }
        store.erase(99); // what reached the bystander after the last erasure
        compactNow(store);
        assertFalse(files(Segment.COMPACTED).isEmpty(), "compaction ran during the test");

        assertHolds(store, answered, senders * each);
        store.close();
        assertHolds(open(), answered, senders * each);
    }

    private static void assertHolds(LogMessageStore s, java.util.Map<String, Long> answered, long lastSeq) {
        java.util.Map<String, Long> held = new java.util.HashMap<>();
        s.pull(2, 0, Integer.MAX_VALUE).forEach(e -> held.put(e.text(), e.seq()));
        assertEquals(answered, held, "every message answered OK, at its seq, and no old one");
        assertEquals(lastSeq, s.lastSeq(2));
        assertEquals(List.of(), s.pull(99, 0, 10), "the bystander's inbox stays erased");
    }

    @Test
    void aCompactedSegmentThatFailsItsCheckLeavesTheRawOneInPlace() throws IOException {
        LogMessageStore first = open();
        direct(first, 1, 2, "kept raw", 100);
        first.close();
        Path compacted = Segment.path(dir, 0, Segment.COMPACTED);
        Files.write(compacted, new byte[64]);

        LogMessageStore again = open();
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, () -> again.pull(2, 0, 10)).status());
        assertTrue(Files.exists(Segment.path(dir, 0, Segment.RAW)), "the raw segment is still there to restore from");
    }

    @Test
    void theOneFileLogOfEarlierVersionsBecomesTheFirstSegment() throws IOException {
        LogMessageStore first = new LogMessageStore(dir, true);
        opened.add(first);
        direct(first, 1, 2, "from before", 100);
        first.close();
        Files.move(Segment.path(dir, 0, Segment.RAW), dir.resolve(Journal.OLD_FILE));

        LogMessageStore again = open();
        assertEquals(List.of("from before"), texts(again, 2));
        assertFalse(Files.exists(dir.resolve(Journal.OLD_FILE)));
        assertTrue(Files.exists(Segment.path(dir, 0, Segment.RAW)));
    }

    private static void damage(Path file, long at) throws IOException {
        try (FileChannel c = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).clear();
            c.write(b, at);
        }
    }

    /** A file on a full disk: writes fail as a full disk's do. */
    private static final class FullDisk extends FileChannel {
        private final FileChannel file;

        FullDisk(FileChannel file) {
            this.file = file;
        }

        private int check(long at, ByteBuffer src) throws IOException {
            if (src.hasRemaining()) {
                throw new IOException("No space left on device");
            }
            return file.write(src, at);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return check(position, src);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return check(file.position(), src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("not mapped in this test");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
