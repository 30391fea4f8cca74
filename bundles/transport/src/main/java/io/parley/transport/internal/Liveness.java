package io.parley.transport.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's connections, and the clock that keeps their login deadlines and heartbeats: one timer for
 * all of a loop's connections rather than timers of their own (Netty's IdleStateHandler and a scheduled login
 * deadline took about 350 bytes of heap per idle connection). The connections are linked through themselves,
 * with no entry in a shared set. Everything here runs on the loop's own thread: no field needs a fence.
 *
 * <p>The clock counts whole seconds and, each second, {@link ConnectionHandler#checkLiveness asks} every
 * connection whether it is past a deadline: a connection is closed within a second after its deadline, never
 * before it.
 */
final class Liveness {

    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    /** Seconds since this clock started. */
    private int now;
    private ConnectionHandler first;

    /** The current second, for a connection that reads a frame or starts. */
    int now() {
        return now;
    }

    void add(ConnectionHandler connection) {
        connection.next = first;
        if (first != null) {
            first.previous = connection;
        }
        first = connection;
    }

    void remove(ConnectionHandler connection) {
        if (connection.previous != null) {
            connection.previous.next = connection.next;
        } else if (first == connection) {
            first = connection.next;
        }
        if (connection.next != null) {
            connection.next.previous = connection.previous;
        }
        connection.previous = null;
        connection.next = null;
    }

    /** Moves the clock on by a second and checks each connection; run once a second, on the loop. */
    void tick() {
        int second = ++now;
        for (ConnectionHandler c = first, next; c != null; c = next) {
            next = c.next;
            try {
                c.checkLiveness(second);
            } catch (RuntimeException e) {
                // One connection's failure must not stop the clock: every other deadline would stop with it.
                LOG.warn("Could not check the deadlines of {}", c.channel(), e);
            }
        }
    }

    /** Closes every connection of the loop (the server stops); run on the loop. */
    void closeAll() {
        for (ConnectionHandler c = first, next; c != null; c = next) {
            next = c.next;
            c.channel().close();
        }
    }
}
