package io.parley.api.store;

import io.parley.api.message.InboxEntry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable messages and the per-user inboxes that point at them. A message body is stored once; each inbox
 * owner gets an entry with the next seq of its inbox, with no gaps even under concurrent appends.
 */
@ProviderType
public interface MessageStore {

    /**
     * Stores the message and appends an entry to each owner's inbox, in one transaction. When the sender
     * already stored a message with this cid, nothing is stored and that message is returned.
     */
    Appended append(NewMessage message, Collection<Long> inboxOwners);

    /** The entries after seq {@code after}, in seq order, at most {@code limit}. */
    List<InboxEntry> pull(long userId, long after, int limit);

    /** The newest seq of the user's inbox; 0 when empty. */
    long lastSeq(long userId);

    /** The device's acknowledged seq; 0 when it never acknowledged. */
    long acked(long userId, String device);

    /** Moves the device's cursor forward to seq; never backward. */
    void ack(long userId, String device, long seq);

    /**
     * The user's entries of one conversation, newest first, with seq below {@code beforeSeq}.
     */
    List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit);

    /**
     * The same with the conversation as two ids, exactly one of them set.
     *
     * @deprecated since 1.4: use {@link #history(long, Conversation, long, int)}
     */
    @Deprecated
    default List<InboxEntry> history(long userId, Long peerId, Long groupId, long beforeSeq, int limit) {
        if ((peerId == null) == (groupId == null)) {
            throw new IllegalArgumentException("history needs a peer or a group, not both");
        }
        return history(userId, peerId != null ? new Conversation.Peer(peerId) : new Conversation.Group(groupId),
                beforeSeq, limit);
    }

    /** The message a sender stored under a cid, if any. */
    Optional<Appended> findByCid(long senderId, String cid);

    /**
     * True when {@link #lastSeq}, {@link #acked} and {@link #ack} answer from memory and never block, so
     * they may be called on a network event loop. The default is false.
     */
    default boolean cursorsInMemory() {
        return false;
    }
}
