package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.Delivery;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.InboxPosition;
import io.parley.api.message.InboxService;
import io.parley.api.message.MessageService;
import io.parley.api.message.Notify;
import io.parley.api.metrics.Meters;
import io.parley.api.serialization.RawJson;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.PushService;
import io.parley.api.store.Appended;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Types;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Stores first, then notifies. The notice carries the new entry inline, so an online device that holds
 * everything before it needs no pull; one that does not pulls from its own cursor.
 */
@Component(service = {MessageService.class, InboxService.class, StoreFirstMessageService.class})
public final class StoreFirstMessageService implements MessageService, InboxService {

    private final MessageStore store;
    private final PushService push;
    private final Serializer serializer;
    private final LongSupplier clock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Meters meters;

    /** The sender of an operator's notice: never a username, as usernames hold no '@'. */
    public static final String SERVER = "@server";

    /** The {@code event} of a notice entry: {@code {type: "notice", text}}. */
    record NoticeEvent(String type, String text) {
    }

    @Activate
    public StoreFirstMessageService(@Reference ChosenMessageStore store, @Reference PushService push,
            @Reference Serializer serializer) {
        this(store, push, serializer, System::currentTimeMillis);
    }

    StoreFirstMessageService(MessageStore store, PushService push, Serializer serializer, LongSupplier clock) {
        this.store = store;
        this.push = push;
        this.serializer = serializer;
        this.clock = clock;
    }

    @Override
    public Delivery sendDirect(UserRef sender, UserRef recipient, String text, String cid) {
        Appended a = append(new NewMessage(sender.id(), sender.username(), recipient.id(), recipient.username(),
                null, InboxEntry.MSG, text, null, cid, clock.getAsLong()), List.of(sender.id(), recipient.id()), "direct");
        if (!a.duplicate()) {
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.MSG, sender.username(),
                    recipient.username(), null, text, null, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    @Override
    public Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid) {
        Appended a = append(new NewMessage(sender.id(), sender.username(), null, null, groupId, InboxEntry.MSG,
                text, null, cid, clock.getAsLong()), memberIds, "group");
        if (!a.duplicate()) {
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.MSG, sender.username(),
                    null, groupId, text, null, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    @Override
    public Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event) {
        String json = new String(serializer.write(null, event), StandardCharsets.UTF_8);
        Appended a = append(new NewMessage(actor.id(), actor.username(), null, null, groupId, InboxEntry.EVENT,
                null, json, null, clock.getAsLong()), memberIds, "event");
        RawJson raw = new RawJson(json);
        notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.EVENT, actor.username(),
                null, groupId, null, raw, a.ts()));
        return new Delivery(a.msgId(), a.ts(), false);
    }

    /**
     * An operator's notice in each owner's inbox, stored once for the cid: an {@code event} entry from
     * {@link #SERVER} with {@code {type: "notice", text}}, no {@code to} and no {@code groupId}. A repeat of the
     * cid stores nothing and notifies no one.
     */
    Delivery postNotice(Collection<Long> ownerIds, String text, String cid) {
        String json = new String(serializer.write(null, new NoticeEvent("notice", text)), StandardCharsets.UTF_8);
        Appended a = append(new NewMessage(0, SERVER, null, null, null, InboxEntry.EVENT, null, json, cid,
                clock.getAsLong()), ownerIds, "notice");
        if (!a.duplicate()) {
            RawJson raw = new RawJson(json);
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.EVENT, SERVER, null,
                    null, null, raw, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    @Override
    public Optional<MessageArchive.Archived> find(long userId, long msgId) {
        return store.find(userId, msgId);
    }

    /**
     * The event goes to the inboxes holding the message, as a 1:1 or group entry like it, under the cid
     * {@code withdrawn:<msgId>} of the actor: a repeat stores it once (and notifies no one again), then deletes
     * what is left of the message.
     */
    @Override
    public Delivery withdraw(UserRef actor, MessageArchive.Archived found, Object event) {
        NewMessage m = found.message();
        String json = new String(serializer.write(null, event), StandardCharsets.UTF_8);
        Appended a = append(new NewMessage(actor.id(), actor.username(), m.recipientId(), m.recipientName(),
                m.groupId(), InboxEntry.EVENT, null, json, withdrawnCid(found.msgId()), clock.getAsLong()),
                found.entries().keySet(), "event");
        if (a.duplicate() && !isWithdrawal(actor.id(), a.msgId())) {
            throw ParleyException.conflict("Message " + found.msgId() + " cannot be taken back: the cid "
                    + withdrawnCid(found.msgId()) + " of its withdrawal is one you gave a message of your own.");
        }
        store.delete(found);
        if (!a.duplicate()) {
            RawJson raw = new RawJson(json);
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.EVENT, actor.username(),
                    m.recipientName(), m.groupId(), null, raw, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    /**
     * The event a withdrawal stored, if any. A client may give a message of its own the cid a withdrawal uses (a cid
     * is the client's choice): that message is no withdrawal, and {@link #withdraw} refuses rather than delete
     * without telling anyone.
     */
    @Override
    public Optional<Delivery> withdrawal(long actorId, long msgId) {
        return store.findByCid(actorId, withdrawnCid(msgId)).filter(a -> isWithdrawal(actorId, a.msgId()))
                .map(a -> new Delivery(a.msgId(), a.ts(), true));
    }

    /** Whether the actor's message {@code eventId} is an event (a withdrawal), not a message it sent. */
    private boolean isWithdrawal(long actorId, long eventId) {
        return store.find(actorId, eventId).map(e -> InboxEntry.EVENT.equals(e.message().kind())).orElse(false);
    }

    private static String withdrawnCid(long msgId) {
        return "withdrawn:" + msgId;
    }

    /** Stores durably, and counts and times it for /metrics. */
    private Appended append(NewMessage message, Collection<Long> owners, String kind) {
        long start = System.nanoTime();
        Appended a = store.append(message, owners);
        Meters m = meters;
        if (m != null) {
            m.time("parley.store.append", "How long storing a message durably took (the store's commit), by kind",
                    System.nanoTime() - start, "kind", kind);
            if (!a.duplicate()) {
                m.count("parley.messages.stored", "Messages and events stored, by kind", "kind", kind);
                m.size("parley.messages.inboxes", "Inbox entries one stored message made, by kind", a.seqs().size(),
                        "kind", kind);
            }
        }
        return a;
    }

    private void notifyOwners(Appended a, LongFunction<InboxEntry> entryFor) {
        int devices = 0;
        for (Map.Entry<Long, Long> owner : a.seqs().entrySet()) {
            long userId = owner.getKey();
            devices += push.push(userId, Types.MSG_NOTIFY, new Notify(owner.getValue(), List.of(entryFor.apply(userId))));
        }
        Meters m = meters;
        if (m != null && devices > 0) {
            m.add("parley.messages.delivered", DELIVERED, devices, "path", "notice");
        }
    }

    private static final String DELIVERED = "Inbox entries handed to a device: inline in a notice to an online "
            + "device, or in a MSG_PULL answer";

    /** Counts entries served by MSG_PULL and the lag of the newest (from being stored to being pulled). */
    void pulled(List<InboxEntry> entries) {
        Meters m = meters;
        if (m == null || entries.isEmpty()) {
            return;
        }
        m.add("parley.messages.delivered", DELIVERED, entries.size(), "path", "pull");
        long lag = clock.getAsLong() - entries.get(entries.size() - 1).ts();
        m.time("parley.pull.lag", "From a message being stored and its notice sent to a device pulling it (the "
                + "newest entry of each MSG_PULL answer)", Math.max(0, lag) * 1_000_000L);
    }

    @Override
    public InboxPosition position(long userId, String device) {
        return new InboxPosition(store.lastSeq(userId), store.acked(userId, device));
    }

    @Override
    public long erase(long userId) {
        return store.erase(userId);
    }
}
