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
