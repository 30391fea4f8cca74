package io.parley.messaging.internal;

import io.parley.api.account.UserRef;
import io.parley.api.message.Delivery;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.InboxPosition;
import io.parley.api.message.InboxService;
import io.parley.api.message.MessageService;
import io.parley.api.message.Notify;
import io.parley.api.serialization.RawJson;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.PushService;
import io.parley.api.store.Appended;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Types;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

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
        Appended a = store.append(new NewMessage(sender.id(), sender.username(), recipient.id(), recipient.username(),
                null, InboxEntry.MSG, text, null, cid, clock.getAsLong()), List.of(sender.id(), recipient.id()));
        if (!a.duplicate()) {
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.MSG, sender.username(),
                    recipient.username(), null, text, null, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    @Override
    public Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid) {
        Appended a = store.append(new NewMessage(sender.id(), sender.username(), null, null, groupId, InboxEntry.MSG,
                text, null, cid, clock.getAsLong()), memberIds);
        if (!a.duplicate()) {
            notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.MSG, sender.username(),
                    null, groupId, text, null, a.ts()));
        }
        return new Delivery(a.msgId(), a.ts(), a.duplicate());
    }

    @Override
    public Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event) {
        String json = new String(serializer.write(null, event), StandardCharsets.UTF_8);
        Appended a = store.append(new NewMessage(actor.id(), actor.username(), null, null, groupId, InboxEntry.EVENT,
                null, json, null, clock.getAsLong()), memberIds);
        RawJson raw = new RawJson(json);
        notifyOwners(a, owner -> new InboxEntry(a.seqs().get(owner), a.msgId(), InboxEntry.EVENT, actor.username(),
                null, groupId, null, raw, a.ts()));
        return new Delivery(a.msgId(), a.ts(), false);
    }

    private void notifyOwners(Appended a, LongFunction<InboxEntry> entryFor) {
        for (Map.Entry<Long, Long> owner : a.seqs().entrySet()) {
            long userId = owner.getKey();
            push.push(userId, Types.MSG_NOTIFY, new Notify(owner.getValue(), List.of(entryFor.apply(userId))));
        }
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
