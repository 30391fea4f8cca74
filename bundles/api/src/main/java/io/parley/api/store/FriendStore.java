package io.parley.api.store;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Durable friendships (symmetric) and pending friend requests (from one user to another). */
@ProviderType
public interface FriendStore {

    /** A user and its display name, as lists show them. */
    record Named(long userId, String username, String nickname) {
    }

    /** A pending request, with the sender's name. */
    record Pending(long fromId, String fromName, long toId, String toName, String note, boolean notified) {
    }

    boolean areFriends(long a, long b);

    List<Named> friends(long userId);

    Optional<Pending> request(long fromId, long toId);

    /** Stores a request; false when one from this user to that one exists already. */
    boolean addRequest(long fromId, long toId, String note, long ts);

    /** Deletes a request; false when there was none. */
    boolean removeRequest(long fromId, long toId);

    /** Makes two users friends and drops the requests between them, in one transaction. */
    void makeFriends(long a, long b, long ts);

    /** Ends a friendship for both; false when they were not friends. */
    boolean removeFriends(long a, long b);

    /** Requests sent to the user, oldest first. */
    List<Pending> incoming(long userId);

    /** Requests the user sent, oldest first. */
    List<Pending> outgoing(long userId);

    /** Records that a request reached one of the receiver's devices. */
    void markNotified(long fromId, long toId);
}
