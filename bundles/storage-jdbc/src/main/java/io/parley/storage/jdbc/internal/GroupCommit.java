package io.parley.storage.jdbc.internal;

import io.parley.api.metrics.Meters;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writes that arrive while another commit is running wait, and the next caller to get the
 * lock writes all of them in one transaction. Each caller still returns only after the transaction holding
 * its write committed. Under load this turns one commit per request into one per batch; alone, a write costs
 * what it did. If a batch fails (one write conflicts), each of its writes runs again on its own, so one bad
 * write fails only its own caller.
 *
 * <p>A caller whose write is in someone else's batch is woken by that leader directly; it never queues for
 * the lock just to learn that it is done. (It used to: at peak most workers stood in a lock convoy, each
 * taking the lock in turn to find its write committed, while newcomers barged in and committed alone, so
 * batches averaged 1.2 writes with 14 workers waiting.) When a leader finishes it wakes the oldest waiting
 * caller, which leads the next batch.
 */
final class GroupCommit<T, R> {

    /**
     * Every write of a batch inside the shared transaction, at once, so that writes of one kind can share their
     * statements (one multi-row INSERT for all of them rather than one each); returns one result per item, in
     * order. It is also called with one item, when a failed batch is run again write by write.
     */
    @FunctionalInterface
    interface BatchWork<T, R> {
        List<R> apply(Connection c, List<T> items) throws SQLException;
    }

    private static final class Pending<T, R> {
        final T item;
        final Thread caller = Thread.currentThread();
        R result;
        RuntimeException error;
        /** Written last, after result or error: a caller that reads true sees them. */
        volatile boolean done;

        Pending(T item) {
            this.item = item;
        }

        void finish() {
            done = true;
            LockSupport.unpark(caller);
        }
    }

    /** A parked caller looks again at least this often, whatever wake-up it may have missed. */
    private static final long RECHECK_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final JdbcDatabase db;
    private final BatchWork<T, R> work;
    private final int maxBatch;
    private final Queue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Where each batch's size and commit time are recorded, while there is a metrics bundle. */
    private volatile Meters meters;

    GroupCommit(JdbcDatabase db, BatchWork<T, R> work, int maxBatch) {
        this.db = db;
        this.work = work;
        this.maxBatch = maxBatch;
    }

    void useMeters(Meters next) {
        meters = next;
    }

    /** Writes waiting for a commit now. */
    int queued() {
        return queue.size();
    }

    R submit(T item) {
        long start = System.nanoTime();
        Pending<T, R> p = new Pending<>(item);
        queue.add(p);
        while (!p.done) {
            if (lock.tryLock()) {
                try {
                    if (!p.done) {
                        commitQueued();
                    }
                } finally {
                    lock.unlock();
                }
                // Writes queued during that commit: their oldest caller leads the next batch.
                Pending<T, R> next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller);
                }
            } else {
                LockSupport.parkNanos(this, RECHECK_NS);
            }
        }
        if (p.error != null) {
            throw p.error;
        }
        Meters m = meters;
        if (m != null) {
            m.time("parley.jdbc.write", "How long a write took from its submission to its commit: the wait for the "
                    + "commit before it, and its own batch's", System.nanoTime() - start);
        }
        return p.result;
    }

    private void commitQueued() {
        List<Pending<T, R>> batch = new ArrayList<>();
        for (Pending<T, R> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        long start = System.nanoTime();
        try {
            commit(batch);
            Meters m = meters;
            if (m != null) {
                m.time("parley.jdbc.commit", "How long the database took to commit one batch of writes (group commit)",
                        System.nanoTime() - start);
                m.size("parley.jdbc.batch", "Writes in one committed batch of the database's group commit",
                        batch.size());
            }
        } finally {
            // An Error (a bundle losing its classes mid-call) must not leave a caller waiting for ever.
            for (Pending<T, R> p : batch) {
                if (!p.done) {
                    p.error = new IllegalStateException("The write was not committed: the server failed during the commit.");
                    p.finish();
                }
            }
        }
    }

    private void commit(List<Pending<T, R>> batch) {
        try {
            List<T> items = new ArrayList<>(batch.size());
            for (Pending<T, R> p : batch) {
                items.add(p.item);
            }
            List<R> results = db.transaction(c -> work.apply(c, items));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
                batch.get(i).finish();
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).error = e;
                batch.get(0).finish();
                return;
            }
            for (Pending<T, R> p : batch) {
                try {
                    p.result = db.transaction(c -> work.apply(c, List.of(p.item))).get(0);
                } catch (RuntimeException alone) {
                    p.error = alone;
                }
                p.finish();
            }
        }
    }
}
