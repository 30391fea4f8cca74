package io.parley.messaging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.Delivery;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.InboxPosition;
import io.parley.api.message.Notify;
import io.parley.api.serialization.RawJson;
import io.parley.api.session.PushService;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.serialization.internal.GsonSerializer;
import io.parley.testkit.MemoryStores;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreFirstMessageServiceTest {

    /** A notice as it was pushed, with the newest seq the store held for the user at that moment. */
    private record Pushed(long userId, int type, Object body, long storedSeq) {
        Notify notice() {
            return (Notify) body;
        }
    }

    /** Records every push; each user has one device online. */
    private static final class RecordingPush implements PushService {
        private final MessageStore store;
        final List<Pushed> pushes = new ArrayList<>();

        RecordingPush(MessageStore store) {
            this.store = store;
        }

        @Override
        public int push(long userId, int type, Object body) {
            pushes.add(new Pushed(userId, type, body, store.lastSeq(userId)));
            return 1;
        }

        @Override
        public Set<String> devices(long userId) {
            return Set.of("pc");
        }

        @Override
        public int kick(long userId, String exceptDevice, String reason) {
            return 0;
        }

        List<Pushed> to(long userId) {
            return pushes.stream().filter(p -> p.userId() == userId).toList();
        }
    }

    /** A group event as the groups bundle posts one. */
    private record Added(String type, List<String> members) {
    }

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final MemoryStores stores = new MemoryStores();
    private final MessageStore store = stores.messages();
    private final RecordingPush push = new RecordingPush(store);
    private final StoreFirstMessageService service = new StoreFirstMessageService(store, push, new GsonSerializer(),
            now::get);

    private final UserRef alice = new UserRef(stores.account("alice"), "alice");
    private final UserRef bob = new UserRef(stores.account("bob"), "bob");
    private final UserRef carol = new UserRef(stores.account("carol"), "carol");

    private InboxEntry newest(UserRef user) {
        long seq = store.lastSeq(user.id());
        return store.pull(user.id(), seq - 1, 1).get(0);
    }

    @Test
    void anOperatorsNoticeIsAnEventFromTheServerStoredOncePerCid() {
        Delivery d = service.postNotice(List.of(alice.id(), bob.id()), "maintenance at noon", "a0:t1");
        assertFalse(d.duplicate());
        InboxEntry entry = newest(bob);
        assertEquals(InboxEntry.EVENT, entry.kind());
        assertEquals("@server", entry.from());
        assertNull(entry.to());
        assertNull(entry.groupId());
        assertEquals(new RawJson("{\"type\":\"notice\",\"text\":\"maintenance at noon\"}"), entry.event());
        assertEquals(List.of(entry), push.to(bob.id()).get(0).notice().messages());
        assertTrue(service.postNotice(List.of(alice.id(), bob.id()), "maintenance at noon", "a0:t1").duplicate());
        assertEquals(1, store.lastSeq(bob.id()), "stored once");
        assertEquals(2, push.pushes.size(), "and told once");
    }

    @Test
    void everyoneIsGatheredInSlicesOfConsecutiveIdsWhateverThePages() {
        for (int i = 0; i < 700; i++) {
            stores.account("user" + i);
        }
        java.util.TreeMap<Long, List<Long>> slices = MessageAdminCommands.slices(stores.accounts());
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(slices.keySet()), "703 ids, 256 a slice");
        long total = 0;
        for (java.util.Map.Entry<Long, List<Long>> slice : slices.entrySet()) {
            for (long id : slice.getValue()) {
                assertEquals((long) slice.getKey(), id / MessageAdminCommands.SLICE);
            }
            total += slice.getValue().size();
        }
        assertEquals(703, total, "every account once");
        assertEquals(703, slices.values().stream().flatMap(List::stream).distinct().count());
    }

    /** The event message-recall posts. */
    private record Recall(String type, long msgId) {
    }

    @Test
    void aWithdrawnMessageLeavesEveryInboxAnEventTakesItsPlaceAndARepeatFinishesNothingTwice() {
        long msgId = service.sendDirect(alice, bob, "oops", "c1").msgId();
        push.pushes.clear();
        Delivery d = service.withdraw(alice, service.find(bob.id(), msgId).orElseThrow(), new Recall("recall", msgId));
        assertFalse(d.duplicate());
        for (UserRef u : List.of(alice, bob)) {
            List<InboxEntry> inbox = store.pull(u.id(), 0, 10);
            assertEquals(List.of(d.msgId()), inbox.stream().map(InboxEntry::msgId).toList(), "only the event");
            assertEquals(new RawJson("{\"type\":\"recall\",\"msgId\":" + msgId + "}"), inbox.get(0).event());
            assertEquals("bob", inbox.get(0).to(), "in the same conversation");
            assertEquals(1, push.to(u.id()).size());
        }
        assertEquals(d.msgId(), service.withdrawal(alice.id(), msgId).orElseThrow().msgId());
        assertTrue(service.withdrawal(bob.id(), msgId).isEmpty(), "bob withdrew nothing");
        assertTrue(service.find(alice.id(), msgId).isEmpty());
    }

    @Test
    void aWithdrawalStoppedBetweenItsEventAndTheDeletionIsFinishedByARepeat() {
        long msgId = service.sendDirect(alice, bob, "oops", "c1").msgId();
        var found = service.find(alice.id(), msgId).orElseThrow();
        // As if the server stopped after storing the event: the event is there, the message too.
        store.append(new NewMessage(alice.id(), "alice", bob.id(), "bob", null, InboxEntry.EVENT, null,
                "{\"type\":\"recall\",\"msgId\":" + msgId + "}", "withdrawn:" + msgId, now.get()),
                List.of(alice.id(), bob.id()));
        assertTrue(service.withdrawal(alice.id(), msgId).isPresent());
        assertTrue(service.withdraw(alice, found, new Recall("recall", msgId)).duplicate());
        assertTrue(service.find(bob.id(), msgId).isEmpty(), "the message went");
        assertEquals(1, store.pull(bob.id(), 0, 10).size(), "one event");
    }

    @Test
    void aMessageOfTheSenderUnderAWithdrawalsCidIsNoWithdrawalAndDeletesNothing() {
        long next = service.sendDirect(alice, bob, "probe", "p").msgId() + 2; // the decoy takes the id between
        service.sendDirect(alice, bob, "decoy", "withdrawn:" + next);
        long msgId = service.sendDirect(alice, bob, "oops", "c1").msgId();
        assertEquals(next, msgId);
        assertTrue(service.withdrawal(alice.id(), msgId).isEmpty());
        ParleyException refused = assertThrows(ParleyException.class, () -> service.withdraw(alice,
                service.find(alice.id(), msgId).orElseThrow(), new Recall("recall", msgId)));
        assertEquals(Status.CONFLICT, refused.status());
        assertTrue(service.find(bob.id(), msgId).isPresent(), "nothing deleted without an event");
    }

    @Test
    void aDirectMessageIsStoredInBothInboxesBeforeEitherIsNotified() {
        Delivery d = service.sendDirect(alice, bob, "hello", "c1");
        assertFalse(d.duplicate());
        assertEquals(2, push.pushes.size(), "the receiver and the sender's other devices");
        for (Pushed p : push.pushes) {
            assertEquals(Types.MSG_NOTIFY, p.type());
            assertEquals(p.notice().seq(), p.storedSeq(), "the entry was stored before the notice went out");
        }
        assertEquals(d.msgId(), newest(alice).msgId());
        assertEquals(d.msgId(), newest(bob).msgId());
    }

    @Test
    void theNoticeCarriesTheStoredEntryInlineUnderTheReceiversOwnSeq() {
        service.sendDirect(carol, bob, "one", "c1");
        service.sendDirect(carol, bob, "two", "c2");
        now.set(1_700_000_000_500L);
        Delivery d = service.sendDirect(alice, bob, "three", "c1");
        assertEquals(1_700_000_000_500L, d.ts(), "stored at the clock's time");

        Notify toBob = push.to(bob.id()).get(2).notice();
        assertEquals(3, toBob.seq());
        assertEquals(List.of(newest(bob)), toBob.messages(), "the entry inline is the one MSG_PULL serves");
        InboxEntry entry = toBob.messages().get(0);
        assertEquals(new InboxEntry(3, d.msgId(), InboxEntry.MSG, "alice", "bob", null, "three", null, d.ts()), entry);

        Notify toAlice = push.to(alice.id()).get(0).notice();
        assertEquals(1, toAlice.seq(), "the sender's inbox numbers its own entries");
        assertEquals(List.of(newest(alice)), toAlice.messages());
    }

    @Test
    void aRepeatedCidAnswersTheFirstMessageAndStoresAndNotifiesNothing() {
        Delivery first = service.sendDirect(alice, bob, "hello", "same");
        now.addAndGet(5_000);
        Delivery again = service.sendDirect(alice, bob, "hello", "same");
        assertTrue(again.duplicate());
        assertEquals(first.msgId(), again.msgId());
        assertEquals(first.ts(), again.ts(), "the first message's time, not the retry's");
        assertEquals(2, push.pushes.size(), "no second notice");
        assertEquals(1, store.lastSeq(bob.id()));
        assertEquals(1, store.lastSeq(alice.id()));

        Delivery group = service.sendToGroup(alice, 7, List.of(alice.id(), bob.id()), "hi all", "same-group");
        assertTrue(service.sendToGroup(alice, 7, List.of(alice.id(), bob.id()), "hi all", "same-group").duplicate());
        assertEquals(group.msgId(), service.sendToGroup(alice, 7, List.of(alice.id(), bob.id()), "x", "same-group")
                .msgId());
        assertEquals(2, store.lastSeq(bob.id()));
        assertEquals(4, push.pushes.size());
    }

    @Test
    void aGroupMessageIsOneMessageWithAnEntryAndANoticeForEveryMember() {
        service.sendDirect(alice, carol, "before", "c0");
        Delivery d = service.sendToGroup(bob, 42, List.of(alice.id(), bob.id(), carol.id()), "hi group", "g1");
        for (UserRef member : List.of(alice, bob, carol)) {
            InboxEntry entry = newest(member);
            assertEquals(d.msgId(), entry.msgId(), "one stored message behind every entry");
            assertEquals(Long.valueOf(42), entry.groupId());
            assertNull(entry.to());
            assertEquals("bob", entry.from());
            assertEquals("hi group", entry.text());
            List<Pushed> notices = push.to(member.id());
            Notify last = notices.get(notices.size() - 1).notice();
            assertEquals(entry.seq(), last.seq());
            assertEquals(List.of(entry), last.messages());
        }
        assertEquals(2, newest(carol).seq(), "carol's inbox goes on after her direct message");
    }

    @Test
    void aGroupMessageReachesOnlyTheListedMembers() {
        service.sendToGroup(alice, 42, List.of(alice.id(), bob.id()), "just us", "g1");
        assertEquals(0, store.lastSeq(carol.id()));
        assertTrue(push.to(carol.id()).isEmpty());
    }

    @Test
    void aGroupEventIsStoredAsJsonAndNotifiedAsTheSameJson() {
        Delivery d = service.postGroupEvent(alice, 42, List.of(alice.id(), bob.id()),
                new Added("added", List.of("bob")));
        InboxEntry stored = newest(bob);
        assertEquals(InboxEntry.EVENT, stored.kind());
        assertNull(stored.text());
        assertEquals(new RawJson("{\"type\":\"added\",\"members\":[\"bob\"]}"), stored.event(),
                "the event's own fields, no request id");
        assertEquals(d.msgId(), stored.msgId());
        assertEquals(Long.valueOf(42), stored.groupId());
        assertEquals(List.of(stored), push.to(bob.id()).get(0).notice().messages());
        assertEquals(List.of(newest(alice)), push.to(alice.id()).get(0).notice().messages());
    }

    @Test
    void theSameEventPostedTwiceIsTwoEntries() {
        Added event = new Added("added", List.of("bob"));
        Delivery first = service.postGroupEvent(alice, 42, List.of(alice.id(), bob.id()), event);
        Delivery second = service.postGroupEvent(alice, 42, List.of(alice.id(), bob.id()), event);
        assertFalse(second.duplicate());
        assertNotEquals(first.msgId(), second.msgId());
        assertEquals(2, store.lastSeq(bob.id()));
        assertEquals(2, push.to(bob.id()).size());
    }

    @Test
    void thePositionIsTheNewestSeqAndTheDevicesOwnCursor() {
        assertEquals(new InboxPosition(0, 0), service.position(bob.id(), "pc"), "an empty inbox");
        service.sendDirect(alice, bob, "one", "c1");
        service.sendDirect(alice, bob, "two", "c2");
        service.sendDirect(carol, bob, "three", "c1");
        store.ack(bob.id(), "pc", 2);
        assertEquals(new InboxPosition(3, 2), service.position(bob.id(), "pc"));
        assertEquals(new InboxPosition(3, 0), service.position(bob.id(), "ios"), "each device has its own cursor");
    }
}
