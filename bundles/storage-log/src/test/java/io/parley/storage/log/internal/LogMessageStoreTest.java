package io.parley.storage.log.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.store.Conversation;
import io.parley.api.store.Appended;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the log keeps across restarts and crashes, and how it behaves when its file is damaged. */
class LogMessageStoreTest {

    @TempDir
    Path dir;

    private final List<LogMessageStore> opened = new ArrayList<>();

    private LogMessageStore open() {
        LogMessageStore store = new LogMessageStore(dir, true);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(LogMessageStore::close);
    }

    private static Appended direct(LogMessageStore store, long from, long to, String text, String cid) {
        return store.append(new NewMessage(from, "u" + from, to, "u" + to, null, InboxEntry.MSG, text, null, cid, 7),
                List.of(from, to));
    }

    private Path file() {
        return Segment.path(dir, 0, Segment.RAW);
    }

    /** A log holding one message to user 2 ("kept"), stopped, with {@code tail} appended to its file. */
    private void logWithTail(ByteBuffer tail) throws IOException {
        LogMessageStore first = open();
        direct(first, 1, 2, "kept", "c1");
        first.close();
        try (FileChannel c = FileChannel.open(file(), StandardOpenOption.APPEND)) {
            c.write(tail);
        }
    }

    /** Waits up to 5 s for the condition. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    @Test
    void anAckAloneIsSyncedWithTheNextMessageOrAckSyncMsLaterAndAMessageBeforeItsAnswer() throws Exception {
        LogMessageStore store = new LogMessageStore(dir, new LogMessageStore.Options(true, 300, 65536, 64L << 20,
                3600, 25, 0, 100), Compactor.DISK);
        opened.add(store);
        direct(store, 1, 2, "one", "c1");
        long synced = store.syncs();
        assertTrue(synced >= 1, "a message is synced before it is answered");

        store.ack(2, "pc", 1);
        Thread.sleep(100);
        assertEquals(synced, store.syncs(), "an ack alone does not pay for a sync of its own at once");
        await("the ack is synced ackSyncMs after it was written", () -> store.syncs() == synced + 1);

        direct(store, 1, 2, "two", "c2");
        store.ack(2, "pc", 2);
        direct(store, 1, 2, "three", "c3");
        long afterBoth = store.syncs();
        Thread.sleep(600);
        assertEquals(afterBoth, store.syncs(), "the ack went to the disk with the message after it: no sync later");
        store.close();
        LogMessageStore reopened = open();
        assertEquals(2, reopened.acked(2, "pc"));
    }

    @Test
    void aLogLongerThanTheSpaceWrittenAheadKeepsEveryRecordAcrossARestart() throws IOException {
        // Zeros are written ahead from a thread of their own while records are written; none may land on a record.
        LogMessageStore first = new LogMessageStore(dir, false);
        opened.add(first);
        String text = "x".repeat(4000);
        int n = (int) (3 * Journal.AHEAD / text.length());
        for (int i = 1; i <= n; i++) {
            direct(first, 1, 2, text + i, "c" + i);
        }
        first.close();
        long size = Files.size(file());
        assertTrue(size > 3 * Journal.AHEAD, "the file grew past the space written ahead: " + size);

        LogMessageStore reopened = open();
        assertEquals(n, reopened.lastSeq(2));
        List<InboxEntry> last = reopened.pull(2, n - 2, 10);
        assertEquals(List.of(text + (n - 1), text + n), last.stream().map(InboxEntry::text).toList(),
                "the last two messages");
        assertEquals(size, Files.size(file()), "a clean close gives back the space written ahead");
    }

    @Test
    void everythingAcknowledgedIsThereAfterARestart() {
        LogMessageStore first = open();
        Appended a = direct(first, 1, 2, "one", "c1");
        direct(first, 2, 1, "two ✓", "c2");
        Appended group = first.append(new NewMessage(1, "u1", null, null, 9L, InboxEntry.MSG, "all", null, "g1", 8),
                List.of(1L, 2L, 3L));
        first.append(new NewMessage(1, "u1", null, null, 9L, InboxEntry.EVENT, null, "{\"type\":\"joined\"}", null, 9),
                List.of(2L, 3L));
        first.ack(2, "pc", 3);
        first.ack(2, "pc", 2);
        first.ack(3, "ios", 1);
        List<InboxEntry> before = first.pull(2, 0, 10);
        first.close();

        LogMessageStore second = open();
        assertEquals(before, second.pull(2, 0, 10));
        assertEquals(4, second.lastSeq(2));
        assertEquals(2, second.lastSeq(3));
        assertEquals(3, second.acked(2, "pc"));
        assertEquals(1, second.acked(3, "ios"));
        assertEquals(a.msgId(), second.findByCid(1, "c1").orElseThrow().msgId());
        assertTrue(direct(second, 1, 2, "one", "c1").duplicate(), "a retry after the restart is still a retry");
        assertEquals(List.of("all"), second.history(3, new Conversation.Group(9L), Long.MAX_VALUE, 10).stream()
                .filter(e -> e.text() != null).map(InboxEntry::text).toList());
        assertEquals(List.of("two ✓", "one"), second.history(1, new Conversation.Peer(2L), Long.MAX_VALUE, 10).stream()
                .map(InboxEntry::text).toList());
        assertTrue(second.history(1, new Conversation.Peer(2L), 1, 10).isEmpty());
        assertTrue(second.history(1, new Conversation.Peer(2L), Long.MIN_VALUE, 10).isEmpty());
        Appended next = direct(second, 1, 2, "after", "c3");
        assertTrue(next.msgId() > group.msgId(), "message ids go on from the last one");
        assertEquals(5L, next.seqs().get(2L));
    }

    @Test
    void aDeletedMessageStaysDeletedAfterARestart() {
        LogMessageStore first = open();
        direct(first, 1, 2, "kept", "c1");
        Appended recalled = direct(first, 1, 2, "recalled", "c2");
        assertEquals(2, first.delete(first.find(2, recalled.msgId()).orElseThrow()));
        first.close();

        LogMessageStore second = open();
        assertEquals(List.of("kept"), second.pull(2, 0, 10).stream().map(InboxEntry::text).toList());
        assertTrue(second.find(1, recalled.msgId()).isEmpty());
        assertEquals(2, second.lastSeq(2));
    }

    @Test
    void findSearchesALongInboxWithHolesByMessageId() {
        LogMessageStore store = open();
        List<Appended> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Every third message goes to user 3 only: user 2's seqs and msgIds do not move together.
            sent.add(i % 3 == 0 ? store.append(new NewMessage(1, "u1", 3L, "u3", null, InboxEntry.MSG, "t" + i, null,
                    "x" + i, 8), List.of(1L, 3L)) : direct(store, 1, 2, "m" + i, "c" + i));
        }
        for (int i = 1; i < 300; i += 7) {
            if (i % 3 != 0) {
                assertEquals(2, store.delete(store.find(2, sent.get(i).msgId()).orElseThrow()));
            }
        }
        for (int i = 0; i < 300; i++) {
            boolean held = i % 3 != 0 && (i - 1) % 7 != 0;
            assertEquals(held, store.find(2, sent.get(i).msgId()).isPresent(), "message " + i);
        }
        assertTrue(store.find(2, sent.get(299).msgId() + 1).isEmpty());
        assertTrue(store.find(2, 0).isEmpty());
    }

    @Test
    void aTornLastRecordIsCutOffAndTheRestIsKept() throws IOException {
        // A crash in the middle of a write: a header that promises more than was written.
        logWithTail(ByteBuffer.allocate(20).putInt(500).putInt(1234).put(new byte[12]).flip());
        long whole = Files.size(file()) - 20;
        LogMessageStore second = open();
        assertEquals(List.of("kept"), second.pull(2, 0, 10).stream().map(InboxEntry::text).toList());
        assertEquals(whole, Files.size(file()));
        assertEquals(2L, direct(second, 1, 2, "next", "c2").seqs().get(2L));
    }

    /** The same crash within the space written ahead of the records: the torn record is followed by zeros. */
    @Test
    void aTornRecordBeforeFreeSpaceIsCutOff() throws IOException {
        logWithTail(ByteBuffer.allocate(8192).putInt(40).putInt(1234).put((byte) 1).put(new byte[] {1, 2, 3}).clear());
        LogMessageStore second = open();
        assertEquals(List.of("kept"), second.pull(2, 0, 10).stream().map(InboxEntry::text).toList());
        assertEquals(2L, direct(second, 1, 2, "next", "c2").seqs().get(2L));
        second.close();
        assertEquals(2, open().lastSeq(2));
    }

    @Test
    void zerosAfterTheLastRecordAreFreeSpace() throws IOException {
        logWithTail(ByteBuffer.allocate(4096));
        LogMessageStore second = open();
        assertEquals(1, second.lastSeq(2));
        assertEquals(2, direct(second, 1, 2, "next", "c2").seqs().get(2L));
    }

    @Test
    void aDamagedRecordBeforeTheEndAnswersUnavailableAndChangesNothing() throws IOException {
        LogMessageStore first = open();
        direct(first, 1, 2, "one", "c1");
        direct(first, 1, 2, "two", "c2");
        first.close();
        byte[] bytes = Files.readAllBytes(file());
        bytes[Journal.HEADER + 3] ^= 0x40;
        Files.write(file(), bytes);

        LogMessageStore second = open();
        ParleyException e = assertThrows(ParleyException.class, () -> second.pull(2, 0, 10));
        assertEquals(Status.UNAVAILABLE, e.status());
        assertThrows(ParleyException.class, () -> direct(second, 1, 2, "three", "c3"));
        second.close();
        assertEquals(bytes.length, Files.size(file()), "a damaged log is left as it is, for the operator");
    }

    @Test
    void aSecondStoreOnTheSameFolderAnswersUnavailable() {
        LogMessageStore first = open();
        direct(first, 1, 2, "one", "c1");
        LogMessageStore second = open();
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, () -> second.lastSeq(2)).status());
        assertEquals(1, first.lastSeq(2), "the first store goes on");
    }

    @Test
    void afterCloseCallsAnswerUnavailable() {
        LogMessageStore store = open();
        direct(store, 1, 2, "early", "c0");
        store.close();
        assertEquals(Status.UNAVAILABLE,
                assertThrows(ParleyException.class, () -> direct(store, 1, 2, "late", "c1")).status());
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, () -> store.pull(2, 0, 10)).status(),
                "reads too: a request still bound to the stopped store retries and finds the store now serving");
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, () -> store.ack(2, "pc", 1)).status());
    }

    /** Sends racing a stop: each is either answered OK and in the log after a restart, or refused as UNAVAILABLE. */
    @Test
    void nothingAnsweredIsLostWhenTheStoreStopsUnderLoad() throws Exception {
        LogMessageStore store = open();
        int senders = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(senders);
        java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(senders);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s + 10;
            futures.add(pool.submit(() -> {
                started.countDown();
                for (int i = 0; ; i++) {
                    String cid = sender + "-" + i;
                    try {
                        direct(store, sender, 2, cid, cid);
                        answered.add(cid);
                    } catch (ParleyException e) {
                        assertEquals(Status.UNAVAILABLE, e.status());
                        refused.incrementAndGet();
                        return null;
                    }
                }
            }));
        }
        started.await();
        Thread.sleep(200);
        store.close();
        for (java.util.concurrent.Future<?> f : futures) {
            f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(senders, refused.get(), "every sender was refused once the store stopped, none hung");
        LogMessageStore reopened = open();
        java.util.Set<String> stored = new java.util.HashSet<>();
        reopened.pull(2, 0, Integer.MAX_VALUE).forEach(e -> stored.add(e.text()));
        assertTrue(stored.containsAll(answered), "every send answered OK is in the log after the restart");
        assertEquals(answered.size(), reopened.lastSeq(2), "and nothing else");
        assertTrue(answered.size() > senders, "the senders got going before the stop: " + answered.size());
    }

    @Test
    void aLargeGroupMessageAndManySmallOnesShareTheLog() {
        LogMessageStore store = open();
        List<Long> members = new ArrayList<>();
        for (long m = 1; m <= 3000; m++) {
            members.add(m);
        }
        String text = "x".repeat(4096);
        Appended big = store.append(new NewMessage(1, "u1", null, null, 5L, InboxEntry.MSG, text, null, "big", 1), members);
        assertEquals(3000, big.seqs().size());
        for (int i = 0; i < 500; i++) {
            direct(store, 1, 2, "m" + i, "c" + i);
        }
        assertEquals(text, store.pull(3000, 0, 1).get(0).text());
        assertEquals(501, store.lastSeq(2));
        assertFalse(store.pull(2, 500, 10).isEmpty());
        store.close();
        assertEquals(501, open().lastSeq(2));
    }

    /** The offset after the last byte that is not zero: where the records end, in a file written ahead with zeros. */
    private static long usedBytes(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private long logOf(Path folder, int repeatedAcks) throws IOException {
        LogMessageStore store = new LogMessageStore(folder, true);
        opened.add(store);
        direct(store, 1, 2, "one", "c1");
        store.ack(2, "pc", 1);
        for (int i = 0; i < repeatedAcks; i++) {
            store.ack(2, "pc", i % 2); // 0 and 1: neither moves the cursor
        }
        direct(store, 1, 2, "two", "c2");
        store.close();
        long used = usedBytes(Segment.path(folder, 0, Segment.RAW));
        LogMessageStore reopened = new LogMessageStore(folder, true);
        opened.add(reopened);
        assertEquals(1, reopened.acked(2, "pc"));
        return used;
    }

    @Test
    void anAckThatDoesNotMoveTheCursorWritesNothing() throws IOException {
        long once = logOf(dir.resolve("once"), 0);
        long repeated = logOf(dir.resolve("repeated"), 2000);
        assertEquals(once, repeated, "2,000 acks that moved no cursor added nothing to the log");
    }
}
