package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A connection's tasks on the worker pool: in order, one at a time, and yielding to other connections. */
class ConnectionQueueTest {

    /** A connection whose tasks run on the pool; the queue needs nothing else of it. */
    private static ConnectionHandler connection(Executor pool) {
        return new ConnectionHandler(ConnectionHandler.Shared.of(null, null, null, pool, new Connections(),
                new AtomicInteger(), 10, 6, 3, 8));
    }

    @Test
    void aConnectionsTasksRunOneAtATimeInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            ConnectionHandler queue = connection(pool);
            List<Integer> ran = new ArrayList<>();
            AtomicInteger running = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                queue.enqueue(() -> {
                    assertEquals(1, running.incrementAndGet(), "two tasks of one connection at once");
                    ran.add(n);
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, ran.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBusyConnectionYieldsToOthersAfterABatch() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            ConnectionHandler busy = connection(one);
            ConnectionHandler other = connection(one);
            List<String> order = new ArrayList<>();
            CountDownLatch gate = new CountDownLatch(1);
            busy.enqueue(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 100; i++) {
                busy.enqueue(() -> order.add("busy"));
            }
            other.enqueue(() -> order.add("other"));
            CountDownLatch end = new CountDownLatch(1);
            gate.countDown();
            busy.enqueue(end::countDown);
            assertTrue(end.await(10, TimeUnit.SECONDS));
            assertTrue(order.indexOf("other") < 40, "the other connection waited for " + order.indexOf("other"));
        } finally {
            one.shutdownNow();
        }
    }
}
