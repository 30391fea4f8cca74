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

    /**
     * Retention: deletes up to {@code limit} of the oldest messages stored before {@code cutoffMs} (epoch ms),
     * with every inbox entry that points at them, and returns how many messages went; a sweep calls it until it
     * returns less than {@code limit}. Inbox heads and device cursors stay, so a seq is never handed out twice.
     *
     * @throws io.parley.api.ParleyException UNSUPPORTED when this store cannot delete, with a sentence saying why
     */
    int deleteBefore(long cutoffMs, int limit);

    /**
     * Erasure: deletes every entry of the user's inbox and the user's device cursors, then the messages the user
     * sent or was sent that no inbox holds any more. A message the user sent that others still hold stays in
     * their inboxes (their copy, as in mail). The inbox head stays, so seqs never repeat. Returns how many inbox
     * entries went.
     *
     * @throws io.parley.api.ParleyException UNSUPPORTED when this store cannot delete, with a sentence saying why
     */
    long erase(long userId);

    /**
     * The message {@code msgId} as it sits in {@code ownerId}'s inbox, with every inbox entry that still holds it
     * (owner to seq); empty when that inbox does not hold it (never did, or retention, erasure or a delete took
     * it). Looking in one inbox keeps this cheap in a store indexed by inbox: recent messages are found first.
     *
     * @since 1.9
     * @throws io.parley.api.ParleyException UNSUPPORTED when this store cannot look a message up
     */
    default Optional<MessageArchive.Archived> find(long ownerId, long msgId) {
        throw new io.parley.api.ParleyException(io.parley.protocol.Status.UNSUPPORTED,
                "This message store cannot look a message up by its id.");
    }

    /**
     * Takes a message {@link #find} found out of every inbox that held it, durably, as retention does: the seqs
     * and the devices' cursors stay, and the message leaves the store once no inbox holds it. Returns how many
     * entries went; 0 when they were gone already, so a repeat does nothing.
     *
     * @since 1.9
     * @throws io.parley.api.ParleyException UNSUPPORTED when this store cannot delete
     */
    default int delete(MessageArchive.Archived found) {
        throw new io.parley.api.ParleyException(io.parley.protocol.Status.UNSUPPORTED,
                "This message store cannot delete a message.");
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
