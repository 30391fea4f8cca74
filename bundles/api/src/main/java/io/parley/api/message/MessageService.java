package io.parley.api.message;

import io.parley.api.account.UserRef;
import io.parley.api.store.MessageArchive;
import java.util.Collection;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Puts messages and events into inboxes: stored durably first, then the online devices are notified.
 * When a method returns, what it stored cannot be lost. Callers check permissions first.
 */
@ProviderType
public interface MessageService {

    /** A 1:1 message: one entry in the receiver's inbox and one in the sender's (for its other devices). */
    Delivery sendDirect(UserRef sender, UserRef recipient, String text, String cid);

    /** A group message: stored once, one entry in every member's inbox (the sender is a member). */
    Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid);

    /** A group event (a member joined, the group was dissolved ...): an event entry in every listed inbox. */
    Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event);

    /**
     * The message {@code msgId} as the user's inbox holds it, with every inbox entry holding it; empty when that
     * inbox does not hold it.
     *
     * @since 1.6
     * @throws io.parley.api.ParleyException UNSUPPORTED when the message store cannot look a message up
     */
    Optional<MessageArchive.Archived> find(long userId, long msgId);

    /**
     * Takes a message {@link #find} found out of every inbox that holds it and puts an {@code event} entry there in
     * its place, from {@code actor}, in the same conversation: the event is stored first, then the message is
     * deleted (HISTORY and MSG_PULL no longer serve it), then the online devices are notified. A repeat after a
     * timeout or a crash midway stores the event once and finishes the deletion.
     *
     * @since 1.6
     * @throws io.parley.api.ParleyException UNSUPPORTED when the message store cannot delete
     */
    Delivery withdraw(UserRef actor, MessageArchive.Archived found, Object event);

    /**
     * The event {@link #withdraw} stored when {@code actorId} withdrew {@code msgId}, if it did: how a repeat of a
     * withdrawal whose message is gone already can answer as the first did.
     *
     * @since 1.6
     */
    Optional<Delivery> withdrawal(long actorId, long msgId);
}
