package io.parley.transport.internal;

import java.util.concurrent.TimeUnit;

/**
 * A service the transport cannot do without but that may be away for a moment, while its bundle is updated.
 * Bound dynamically, so the transport and its connections stay up; a caller that may block waits a bounded
 * time for the service to come back, one that may not (a network event loop) takes what is there now.
 */
class ServiceSlot<T> {

    private volatile T current;

    ServiceSlot() {
    }

    ServiceSlot(T initial) {
        current = initial;
    }

    final synchronized void bind(T service) {
        current = service;
        notifyAll();
    }

    /** Clears the slot unless another service took it meanwhile (a greedy rebind binds the new one first). */
    final synchronized void unbind(T service) {
        if (current == service) {
            current = null;
        }
    }

    /** The service now, or null while it is away. */
    T now() {
        return current;
    }

    /** The service, waiting up to {@code millis} for it to come back; null when it did not. */
    T await(long millis) throws InterruptedException {
        T service = current;
        if (service != null || millis <= 0) {
            return service;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (this) {
            while ((service = current) == null) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
        }
        return service;
    }
}
