package io.parley.transport.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one connection's tasks on the shared worker pool, one at a time and in order. At most one task per
 * connection sits in the pool's queue, so the pool's queue is bounded by the number of connections, and one
 * busy connection cannot starve the others: after a batch it yields. How many tasks may wait is the
 * connection's business ({@link ConnectionHandler}).
 */
final class RequestQueue implements Runnable {

    private static final int BATCH = 32;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    RequestQueue(Executor pool) {
        this.pool = pool;
    }

    void add(Runnable task) {
        tasks.add(task);
        schedule();
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
