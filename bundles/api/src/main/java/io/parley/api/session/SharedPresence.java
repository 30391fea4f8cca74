package io.parley.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Presence shared by the nodes of a cluster (Redis, say), told by the transport of each device as it logs in
 * and goes away on this node, so that "the user's first device came online" and "their last device went" hold
 * across nodes: a user online on one node who logs in on another has not just come online. Without one, this
 * node's own sessions decide. Called in order, on the one thread that tells {@link SessionListener}s, before
 * they are told; it may do a network round trip.
 */
@ProviderType
public interface SharedPresence {

    /**
     * Makes what other nodes send the user (notices, requests to end sessions) reach this node from now on. Called
     * on the thread logging the device in, before its login is answered, so that nothing sent to the user after
     * the answer passes this node by; not in order with {@link #arrived} and {@link #left}, and it may do a
     * network round trip. It must not throw. A node that routes nothing (every node hears every notice) needs
     * nothing here.
     *
     * @since 1.6
     */
    default void reachableHere(Session session) {
    }

    /** Counts the device in; true when no other device of the user is online on any node. */
    boolean arrived(Session session);

    /** Counts the device out; true when no device of the user is online on any node any more. */
    boolean left(Session session);

    /**
     * Whether any device of the user is online on any node. The transport's {@link PresenceService} asks this
     * for users with no device on its own node, so that there is one PresenceService, whatever the cluster.
     */
    boolean isOnline(long userId);
}
