package io.parley.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link MessageStore} must do. A store's tests extend it with {@link #open}, which makes a fresh
 * store on one backend, and a static {@code backends()} naming the backends to run on (JUnit finds it in the
 * test class): the message log, JDBC on H2 and MariaDB, Redis in front of JDBC, the memory store. Nothing
 * here needs another store's driver.
 */
public abstract class MessageStoreContract {

    /**
     * What {@link #open} made: the store under test, the ids of three users it knows (alice, bob and carol),
     * and what closes it all.
     */
    public record Subject(MessageStore store, long alice, long bob, long carol, AutoCloseable closer) {
    }

    /** A fresh, empty store on the backend, in {@code dir} if it keeps files. */
    protected abstract Subject open(String backend, Path dir) throws Exception;

    @TempDir
    protected Path dir;

    private Subject subject;
    private MessageStore store;
    private long alice;
    private long bob;
    private long carol;

    private void open(String backend) throws Exception {
        subject = open(backend, dir);
        store = subject.store();
        alice = subject.alice();
        bob = subject.bob();
        carol = subject.carol();
    }

    @AfterEach
    public void closeSubject() throws Exception {
        if (subject != null) {
            subject.closer().close();
        }
    }

    private Appended direct(long from, long to, String text, String cid) {
        return store.append(new NewMessage(from, name(from), to, name(to), null, InboxEntry.MSG, text, null, cid, 100),
                List.of(from, to));
    }

    private Appended directAt(long from, long to, String text, String cid, long ts) {
        return store.append(new NewMessage(from, name(from), to, name(to), null, InboxEntry.MSG, text, null, cid, ts),
                List.of(from, to));
    }

    /**
     * Whether the store deletes (retention and erasure). A store that cannot yet says so: both calls answer
     * UNSUPPORTED with a sentence, and the store keeps everything.
     */
    protected boolean deletes() {
        return true;
    }

    private List<Long> seqsOf(List<InboxEntry> entries) {
        return entries.stream().map(InboxEntry::seq).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void retentionDeletesOldMessagesInStepsAndSeqsNeverRepeat(String backend) throws Exception {
        open(backend);
        for (int i = 0; i < 3; i++) {
            directAt(alice, bob, "old " + i, "old" + i, 100 + i);
        }
        directAt(alice, bob, "new 0", "new0", 5000);
        directAt(bob, alice, "new 1", "new1", 5001);
        store.ack(bob, "pc", 2);
        if (!deletes()) {
            ParleyException refused = assertThrows(ParleyException.class, () -> store.deleteBefore(1000, 10));
            assertEquals(Status.UNSUPPORTED, refused.status());
            assertEquals(5, store.pull(bob, 0, 10).size(), "it keeps everything");
            return;
        }
        assertEquals(2, store.deleteBefore(1000, 2));
        assertEquals(1, store.deleteBefore(1000, 2));
        assertEquals(0, store.deleteBefore(1000, 2));
        assertEquals(List.of(4L, 5L), seqsOf(store.pull(bob, 0, 10)));
        assertEquals(List.of(4L, 5L), seqsOf(store.pull(alice, 0, 10)));
        assertEquals(List.of(5L, 4L), seqsOf(store.history(bob, new Conversation.Peer(alice), Long.MAX_VALUE, 10)));
        assertEquals(5, store.lastSeq(bob), "the head stays");
        assertEquals(2, store.acked(bob, "pc"), "and the cursors");
        assertTrue(store.findByCid(alice, "old0").isEmpty());
        assertTrue(store.findByCid(alice, "new0").isPresent());
        assertEquals(6L, direct(alice, bob, "after", "after").seqs().get(bob), "a seq is never handed out twice");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void erasureTakesTheUsersInboxCursorsAndWhatNobodyElseHolds(String backend) throws Exception {
        open(backend);
        direct(alice, bob, "a1", "a1");
        direct(bob, alice, "b1", "b1");
        direct(carol, bob, "c1", "c1");
        // A message only bob holds (an event in his inbox alone).
        store.append(new NewMessage(bob, "bob", null, null, null, InboxEntry.EVENT, null, "{\"e\":1}", "solo", 100),
                List.of(bob));
        store.ack(bob, "pc", 3);
        if (!deletes()) {
            assertEquals(Status.UNSUPPORTED, assertThrows(ParleyException.class, () -> store.erase(bob)).status());
            assertEquals(4, store.pull(bob, 0, 10).size(), "it keeps everything");
            return;
        }
        assertEquals(4, store.erase(bob));
        assertEquals(List.of(), store.pull(bob, 0, 10));
        assertEquals(List.of(), store.history(bob, new Conversation.Peer(alice), Long.MAX_VALUE, 10));
        assertEquals(0, store.acked(bob, "pc"));
        assertEquals(4, store.lastSeq(bob), "the head stays, so seqs never repeat");
        assertEquals(List.of("a1", "b1"), store.pull(alice, 0, 10).stream().map(InboxEntry::text).toList(),
                "alice keeps her copies, bob's words included");
        assertEquals(1, store.pull(carol, 0, 10).size());
        assertTrue(store.findByCid(bob, "solo").isEmpty(), "nobody held it any more");
        assertTrue(store.findByCid(bob, "b1").isPresent(), "alice holds it");
        assertEquals(5L, direct(alice, bob, "after", "after").seqs().get(bob));
        assertEquals(0, store.erase(carol + 1000), "an unknown user has nothing to erase");
    }

    private String name(long id) {
        return id == alice ? "alice" : id == bob ? "bob" : "carol";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void aDirectMessageLandsInBothInboxesWithUsernames(String backend) throws Exception {
        open(backend);
        Appended a = direct(alice, bob, "hi 😀", "c1");
        assertFalse(a.duplicate());
        assertEquals(1L, a.seqs().get(alice));
        assertEquals(1L, a.seqs().get(bob));
        InboxEntry e = store.pull(bob, 0, 10).get(0);
        assertEquals(new InboxEntry(1, a.msgId(), "msg", "alice", "bob", null, "hi 😀", null, 100), e);
        assertEquals(e, store.pull(alice, 0, 10).get(0));
        assertEquals(1, store.lastSeq(bob));
        assertEquals(0, store.lastSeq(carol));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void theSameCidIsStoredOnce(String backend) throws Exception {
        open(backend);
        Appended first = direct(alice, bob, "once", "same");
        Appended again = direct(alice, bob, "once", "same");
        assertTrue(again.duplicate());
        assertEquals(first.msgId(), again.msgId());
        assertEquals(1, store.pull(bob, 0, 10).size());
        assertFalse(direct(bob, alice, "other sender, same cid", "same").duplicate());
    }

    /** Retries of one send racing each other (they may share one commit): one message, one answer for all. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void racingRetriesOfOneCidStoreOneMessage(String backend) throws Exception {
        open(backend);
        int retries = 8;
        ExecutorService pool = Executors.newFixedThreadPool(retries);
        List<Future<Appended>> futures = new ArrayList<>();
        for (int i = 0; i < retries; i++) {
            futures.add(pool.submit(() -> direct(alice, bob, "once", "raced")));
        }
        List<Appended> answers = new ArrayList<>();
        for (Future<Appended> f : futures) {
            answers.add(f.get());
        }
        pool.shutdown();
        assertEquals(1, answers.stream().map(Appended::msgId).distinct().count());
        assertEquals(1, answers.stream().filter(a -> !a.duplicate()).count());
        assertEquals(1, store.pull(bob, 0, 10).size());
        assertEquals(1, store.lastSeq(bob));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void pullPagesInSeqOrder(String backend) throws Exception {
        open(backend);
        for (int i = 1; i <= 7; i++) {
            direct(alice, bob, "m" + i, "c" + i);
        }
        List<InboxEntry> page = store.pull(bob, 2, 3);
        assertEquals(List.of(3L, 4L, 5L), page.stream().map(InboxEntry::seq).toList());
        assertEquals("m3", page.get(0).text());
        assertTrue(store.pull(bob, 7, 10).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void cursorsAreKeptPerDeviceAndNeverMoveBack(String backend) throws Exception {
        open(backend);
        store.ack(bob, "pc", 5);
        store.ack(bob, "pc", 3);
        store.ack(bob, "ios", 1);
        assertEquals(5, store.acked(bob, "pc"));
        assertEquals(1, store.acked(bob, "ios"));
        assertEquals(0, store.acked(bob, "web"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void aGroupMessageIsStoredOnceWithAnEntryPerMember(String backend) throws Exception {
        open(backend);
        Appended g = store.append(new NewMessage(alice, "alice", null, null, 42L, "msg", "to all", null, "g1", 5),
                List.of(alice, bob, carol));
        direct(alice, bob, "direct", "d1");
        assertEquals(Set.of(alice, bob, carol), g.seqs().keySet());
        InboxEntry e = store.pull(carol, 0, 10).get(0);
        assertEquals(42L, e.groupId());
        assertNull(e.to());
        assertEquals(g.msgId(), store.pull(bob, 0, 10).get(0).msgId());
        Appended event = store.append(new NewMessage(alice, "alice", null, null, 42L, "event", null, "{\"type\":\"left\"}", null, 6),
                List.of(bob, carol));
        assertEquals("{\"type\":\"left\"}", store.pull(carol, 1, 10).get(0).event().json());
        assertEquals(2, store.history(bob, new Conversation.Group(42L), Long.MAX_VALUE, 10).size());
        assertEquals(event.msgId(), store.history(bob, new Conversation.Group(42L), Long.MAX_VALUE, 10).get(0).msgId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void aMessageIsFoundInAnInboxThatHoldsItAndDeletedFromEvery(String backend) throws Exception {
        open(backend);
        direct(alice, bob, "one", "c1");
        Appended two = direct(alice, bob, "two", "c2");
        direct(bob, alice, "three", "c3");
        Appended group = store.append(new NewMessage(carol, "carol", null, null, 42L, InboxEntry.MSG, "to all", null,
                "g1", 100), List.of(alice, bob, carol));
        if (!deletes()) {
            assertEquals(Status.UNSUPPORTED, assertThrows(ParleyException.class, () -> store.find(bob, two.msgId()))
                    .status());
            return;
        }
        MessageArchive.Archived found = store.find(bob, two.msgId()).orElseThrow();
        assertEquals(two.msgId(), found.msgId());
        assertEquals(two.seqs(), found.entries(), "every inbox holding it, with its seq there");
        assertEquals("two", found.message().text());
        assertEquals(alice, found.message().senderId());
        assertEquals(bob, found.message().recipientId());
        assertEquals("c2", found.message().cid());
        assertTrue(store.find(carol, two.msgId()).isEmpty(), "carol's inbox does not hold it");
        assertTrue(store.find(bob, group.msgId() + 1000).isEmpty(), "no such message");
        assertEquals(Set.of(alice, bob, carol), store.find(carol, group.msgId()).orElseThrow().entries().keySet());

        assertEquals(2, store.delete(found));
        assertEquals(List.of("one", "three", "to all"), store.pull(bob, 0, 10).stream().map(InboxEntry::text).toList());
        assertEquals(List.of("three", "one"), store.history(alice, new Conversation.Peer(bob), Long.MAX_VALUE, 10)
                .stream().map(InboxEntry::text).toList());
        assertTrue(store.find(alice, two.msgId()).isEmpty());
        assertEquals(0, store.delete(found), "a repeat does nothing");
        assertEquals(4, store.lastSeq(bob), "the head stays");
        assertEquals(3, store.delete(store.find(alice, group.msgId()).orElseThrow()));
        assertEquals(List.of(), store.pull(carol, 0, 10));
        assertEquals(5L, direct(alice, bob, "after", "after").seqs().get(bob), "a seq is never handed out twice");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void historyIsOneConversationNewestFirst(String backend) throws Exception {
        open(backend);
        direct(alice, bob, "a1", "1");
        direct(bob, alice, "b1", "2");
        direct(alice, carol, "to carol", "3");
        direct(alice, bob, "a2", "4");
        List<InboxEntry> h = store.history(alice, new Conversation.Peer(bob), Long.MAX_VALUE, 10);
        assertEquals(List.of("a2", "b1", "a1"), h.stream().map(InboxEntry::text).toList());
        assertEquals(List.of("b1"), store.history(alice, new Conversation.Peer(bob), h.get(0).seq(), 1).stream()
                .map(InboxEntry::text).toList());
        assertEquals(List.of("to carol"), store.history(carol, new Conversation.Peer(alice), Long.MAX_VALUE, 10)
                .stream()
                .map(InboxEntry::text).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void concurrentSendersToOneReceiverGetGaplessSeqs(String backend) throws Exception {
        open(backend);
        int senders = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<Map<String, Appended>>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            futures.add(pool.submit(() -> {
                Map<String, Appended> answers = new HashMap<>();
                for (int i = 0; i < each; i++) {
                    String text = sender + "-" + i;
                    answers.put(text, direct(sender % 2 == 0 ? alice : carol, bob, text, text));
                }
                return answers;
            }));
        }
        Map<String, Appended> answers = new HashMap<>();
        for (Future<Map<String, Appended>> f : futures) {
            answers.putAll(f.get());
        }
        pool.shutdown();
        List<InboxEntry> inbox = store.pull(bob, 0, 1000);
        List<Long> seqs = inbox.stream().map(InboxEntry::seq).toList();
        assertEquals(LongStream.rangeClosed(1, senders * each).boxed().toList(), seqs);
        // Each sender was answered with its own message and its own entries (sends that shared a commit too).
        for (InboxEntry entry : inbox) {
            Appended answer = answers.get(entry.text());
            assertEquals(entry.msgId(), answer.msgId(), entry.text());
            assertEquals(entry.seq(), answer.seqs().get(bob), entry.text());
        }
        for (InboxEntry entry : store.pull(alice, 0, 1000)) {
            assertEquals(entry.msgId(), answers.get(entry.text()).msgId(), entry.text());
            assertEquals(entry.seq(), answers.get(entry.text()).seqs().get(alice), entry.text());
        }
        assertEquals(senders * each, store.lastSeq(bob));
        assertEquals(senders * each / 2, store.pull(alice, 0, 1000).stream()
                .map(InboxEntry::seq).collect(Collectors.toSet()).size());
    }
}
