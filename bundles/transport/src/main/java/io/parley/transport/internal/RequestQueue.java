package io.parley.transport.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one connection's requests on the shared worker pool, one at a time and in order, with a bound on how
 * many may wait. At most one task per connection sits in the pool's queue, so the pool's queue is bounded
 * by the number of connections and one busy connection cannot starve the others: after a batch it yields.
 */
final class RequestQueue implements Runnable {

    private static final int BATCH = 32;

    private final Executor pool;
    private final int maxPending;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    RequestQueue(Executor pool, int maxPending) {
        this.pool = pool;
        this.maxPending = maxPending;
    }

    /** Queues a task; false when the connection already has {@code maxPending} waiting. */
    boolean offer(Runnable task) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return false;
        }
        tasks.add(task);
        schedule();
        return true;
    }

    /**
     * True when none of the connection's requests waits or runs. Called on the connection's event loop, the
     * only thread that offers, so it stays true until that thread offers again.
     */
    boolean idle() {
        return !scheduled.get() && tasks.isEmpty();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this);
            } catch (RejectedExecutionException e) {
                // The pool is shutting down with the server; the connection is being closed too.
                scheduled.set(false);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                pending.decrementAndGet();
                task.run();
            }
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
