package io.parley.feature.recall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.Delivery;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.MessageService;
import io.parley.api.store.Appended;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecallHandlerTest {

    private final MessageStore store = new MemoryStores().messages();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Inboxes inboxes = new Inboxes();
    private final RecallHandler handler = new RecallHandler(inboxes, Configs.defaults(RecallConfiguration.class),
            now::get);
    private final UserRef alice = new UserRef(1, "alice");
    private final UserRef bob = new UserRef(2, "bob");

    /** Finds in the memory store, and withdraws as messaging does: remembers the event, deletes the message. */
    private final class Inboxes implements MessageService {
        final List<RecallEvent> events = new ArrayList<>();
        final Map<String, Delivery> withdrawals = new HashMap<>();

        @Override
        public Delivery sendDirect(UserRef sender, UserRef recipient, String text, String cid) {
            Appended a = store.append(new NewMessage(sender.id(), sender.username(), recipient.id(),
                    recipient.username(), null, InboxEntry.MSG, text, null, cid, now.get()),
                    List.of(sender.id(), recipient.id()));
            return new Delivery(a.msgId(), a.ts(), a.duplicate());
        }

        @Override
        public Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event) {
            Appended a = store.append(new NewMessage(actor.id(), actor.username(), null, null, groupId,
                    InboxEntry.EVENT, null, "{}", null, now.get()), memberIds);
            return new Delivery(a.msgId(), a.ts(), false);
        }

        @Override
        public Optional<MessageArchive.Archived> find(long userId, long msgId) {
            return store.find(userId, msgId);
        }

        @Override
        public Delivery withdraw(UserRef actor, MessageArchive.Archived found, Object event) {
            events.add((RecallEvent) event);
            store.delete(found);
            Delivery d = new Delivery(found.msgId() + 1000, now.get(), false);
            withdrawals.put(actor.id() + "/" + found.msgId(), d);
            return d;
        }

        @Override
        public Optional<Delivery> withdrawal(long actorId, long msgId) {
            return Optional.ofNullable(withdrawals.get(actorId + "/" + msgId));
        }
    }

    private Status refusal(UserRef who, long msgId) {
        return assertThrows(ParleyException.class, () -> handler.recall(who, msgId)).status();
    }

    @Test
    void theSenderRecallsWithinTheWindowAndARepeatAnswersTheSame() {
        long msgId = inboxes.sendDirect(alice, bob, "oops", "c1").msgId();
        now.addAndGet(119_000);
        handler.recall(alice, msgId);
        assertEquals(List.of(new RecallEvent(msgId)), inboxes.events);
        assertEquals("recall", inboxes.events.get(0).type());
        assertTrue(store.pull(bob.id(), 0, 10).isEmpty(), "the message left bob's inbox");
        handler.recall(alice, msgId);
        assertEquals(1, inboxes.events.size(), "a repeat withdraws nothing more");
    }

    @Test
    void onlyTheSenderWithinTheWindowAndOnlyAMessage() {
        long msgId = inboxes.sendDirect(alice, bob, "oops", "c1").msgId();
        assertEquals(Status.FORBIDDEN, refusal(bob, msgId), "bob holds it but did not send it");
        assertEquals(Status.NOT_FOUND, refusal(new UserRef(3, "carol"), msgId), "carol does not hold it");
        assertEquals(Status.NOT_FOUND, refusal(alice, msgId + 99));
        long event = inboxes.postGroupEvent(alice, 7, List.of(1L, 2L), new Object()).msgId();
        assertEquals(Status.FORBIDDEN, refusal(alice, event), "an event is no message");
        now.addAndGet(120_001);
        ParleyException late = assertThrows(ParleyException.class, () -> handler.recall(alice, msgId));
        assertEquals(Status.FORBIDDEN, late.status());
        assertEquals("A message can be recalled within 120 seconds of sending it; this one was sent 120 seconds ago.",
                late.getMessage());
        assertTrue(inboxes.events.isEmpty());
        assertEquals(msgId, store.pull(bob.id(), 0, 10).get(0).msgId(), "nothing refused changed anything");
    }

    @Test
    void aRecallStoppedHalfwayIsFinishedByARepeatHoweverLate() {
        long msgId = inboxes.sendDirect(alice, bob, "oops", "c1").msgId();
        // As if the server stopped after storing the event, before deleting the message.
        inboxes.withdrawals.put(alice.id() + "/" + msgId, new Delivery(msgId + 1000, now.get(), false));
        now.addAndGet(600_000);
        handler.recall(alice, msgId);
        assertTrue(store.pull(bob.id(), 0, 10).isEmpty(), "finished: the message left bob's inbox");
        assertEquals(Status.NOT_FOUND, refusal(bob, msgId), "bob never sent it, and it is gone");
    }

    @Test
    void aWindowOutOfRangeIsRefusedAndTheOneBeforeStays() {
        handler.configure(Configs.of(RecallConfiguration.class, Map.of("recallSeconds", 10L)));
        long msgId = inboxes.sendDirect(alice, bob, "oops", "c1").msgId();
        handler.configure(Configs.of(RecallConfiguration.class, Map.of("recallSeconds", 0L)));
        now.addAndGet(11_000);
        assertEquals(Status.FORBIDDEN, refusal(alice, msgId), "10 s stay");
    }
}
