package io.parley.transport.internal;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's connections, and the clock that keeps their login deadlines and heartbeats: one timer for
 * all of a loop's connections rather than timers of their own (Netty's IdleStateHandler and a scheduled login
 * deadline took about 350 bytes of heap per idle connection). The connections are linked through themselves,
 * with no entry in a shared set. Everything here runs on the loop's own thread: no field needs a fence.
 *
 * <p>The clock reads whole seconds of elapsed time ({@code System.nanoTime()}, not a count of its ticks, so that
 * a loop that stood still does not shorten anyone's deadline) and, each second, {@link
 * ConnectionHandler#checkLiveness asks} every connection whether it is past a deadline: a connection is closed
 * within a second after its deadline, never before it.
 */
final class Liveness {

    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    private final LongSupplier nanos;
    private final long origin;
    private ConnectionHandler first;

    /** {@code nanos}: the time, as System.nanoTime() gives it (a test moves its own). */
    Liveness(LongSupplier nanos) {
        this.nanos = nanos;
        this.origin = nanos.getAsLong();
    }

    /** Whole seconds since this clock started, for a connection that reads a frame or starts. */
    int now() {
        return (int) ((nanos.getAsLong() - origin) / 1_000_000_000L);
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

    /** Checks each connection against the time now; run once a second, on the loop. */
    void tick() {
        int second = now();
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
