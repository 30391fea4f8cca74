package io.parley.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Carries notices to a user's devices that are connected to other nodes of a cluster. The transport hands it
 * every notice it pushes; without a bus, a notice reaches this node's devices only. Notices are hints, and so
 * is the bus: it may drop one (the device pulls what it missed).
 */
@ProviderType
public interface NoticeBus {

    /**
     * Makes what other nodes send the user (notices, requests to end sessions) reach this node from now on. The
     * transport calls it on the thread logging a device of the user in, before the login is answered, so that
     * nothing sent to the user after the answer passes this node by; it may do a network round trip, and must
     * not throw. A bus that routes keeps the route of every user {@link NoticeSink#forEachUser} names; one that
     * carries every notice to every node needs nothing here.
     *
     * @since 1.6
     */
    default void reachableHere(long userId) {
    }

    /**
     * Hands a notice for the user's devices on other nodes to the bus and returns at once.
     *
     * @param body the notice body as written on the wire (JSON)
     */
    void publish(long userId, int type, byte[] body);

    /**
     * Asks the other nodes to end sessions of the user, each with a KICKED notice giving the reason, and
     * returns at once: the session of {@code device} when {@code allOthers} is false (the device logged in
     * again here), or every session but {@code device}'s when it is true (null: every session).
     */
    void publishEndSessions(long userId, String device, boolean allOthers, String reason);
}
