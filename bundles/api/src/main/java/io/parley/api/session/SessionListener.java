package io.parley.api.session;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told when devices log in and go away (logout, close, heartbeat timeout, kick).
 * A listener registered while devices are logged in is first told of each of them as opened. Called off the
 * network event loops, on one thread, in order; implementations must not block for long.
 */
@ConsumerType
public interface SessionListener {

    /** A device logged in; {@code firstDevice} when the user had no other device online. */
    void sessionOpened(Session session, boolean firstDevice);

    /** A device went away; {@code lastDevice} when the user has no device online any more. */
    void sessionClosed(Session session, boolean lastDevice);
}
