package io.parley.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writes that arrive while another commit is running wait, and the next caller to get the
 * lock writes all of them in one transaction. Each caller still returns only after the transaction holding
 * its write committed. Under load this turns one commit per request into one per batch; alone, a write costs
 * what it did. If a batch fails (one write conflicts), each of its writes runs again on its own, so one bad
 * write fails only its own caller.
 */
final class GroupCommit<T, R> {

    /** One write inside the shared transaction. */
    @FunctionalInterface
    interface Work<T, R> {
        R apply(Connection c, T item) throws SQLException;
    }

    private static final class Pending<T, R> {
        final T item;
        R result;
        RuntimeException error;
        boolean done;

        Pending(T item) {
            this.item = item;
        }
    }

    private final JdbcDatabase db;
    private final Work<T, R> work;
    private final int maxBatch;
    private final Queue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();

    GroupCommit(JdbcDatabase db, Work<T, R> work, int maxBatch) {
        this.db = db;
        this.work = work;
        this.maxBatch = maxBatch;
    }

    R submit(T item) {
        Pending<T, R> p = new Pending<>(item);
        queue.add(p);
        lock.lock();
        try {
            // The holder before us may have committed our write with its batch.
            if (!p.done) {
                commitQueued();
            }
        } finally {
            lock.unlock();
        }
        if (p.error != null) {
            throw p.error;
        }
        return p.result;
    }

    private void commitQueued() {
        List<Pending<T, R>> batch = new ArrayList<>();
        for (Pending<T, R> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        try {
            List<R> results = db.transaction(c -> {
                List<R> out = new ArrayList<>(batch.size());
                for (Pending<T, R> p : batch) {
                    out.add(work.apply(c, p.item));
                }
                return out;
            });
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
                batch.get(i).done = true;
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).error = e;
                batch.get(0).done = true;
                return;
            }
            for (Pending<T, R> p : batch) {
                try {
                    p.result = db.transaction(c -> work.apply(c, p.item));
                } catch (RuntimeException alone) {
                    p.error = alone;
                }
                p.done = true;
            }
        }
    }
}
