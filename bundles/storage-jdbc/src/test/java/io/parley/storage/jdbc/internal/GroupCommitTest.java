package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path dir;

    private JdbcDatabase db;
    private final Map<Integer, Thread> executedBy = new ConcurrentHashMap<>();
    private final CountDownLatch firstIsRunning = new CountDownLatch(1);
    private final ExecutorService callers = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() {
        db = new JdbcDatabase("jdbc:h2:file:" + dir.resolve("parley"), "", "", 4, 5000);
        db.call(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("CREATE TABLE gc (n INT PRIMARY KEY)");
            }
        });
    }

    @AfterEach
    void close() {
        callers.shutdownNow();
        db.close();
    }

    /**
     * Inserts n; 0 holds the lock for a while; a negative n fails, as a conflicting write would; -99 throws an
     * Error, as a handler whose bundle is being updated can.
     */
    private GroupCommit<Integer, Integer> groupCommit() {
        return new GroupCommit<>(db, (c, items) -> {
            List<Integer> out = new ArrayList<>();
            for (int n : items) {
                out.add(write(c, n));
            }
            return out;
        }, 256);
    }

    private int write(Connection c, int n) throws SQLException {
        executedBy.put(n, Thread.currentThread());
        if (n == 0) {
            firstIsRunning.countDown();
            sleep(300);
        }
        if (n == -99) {
            throw new LinkageError("a class went away with its bundle");
        }
        if (n < 0) {
            throw new SQLException("conflict", "23000");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO gc (n) VALUES (?)")) {
            p.setInt(1, n);
            p.executeUpdate();
        }
        return n * 10;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Integer> rows() {
        return db.call(c -> {
            List<Integer> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n FROM gc ORDER BY n")) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        });
    }

    /** Records what a batch reports, as the metrics bundle would. */
    private static final class RecordingMeters implements io.parley.api.metrics.Meters {
        final List<Double> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> writes = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void count(String name, String help, String... tags) {
        }

        @Override
        public void add(String name, String help, long amount, String... tags) {
        }

        @Override
        public void time(String name, String help, long nanos, String... tags) {
            if (name.equals("parley.jdbc.commit")) {
                commits.add(nanos);
            } else if (name.equals("parley.jdbc.write")) {
                writes.add(nanos);
            }
        }

        @Override
        public void size(String name, String help, double amount, String... tags) {
            batches.add(amount);
        }

        @Override
        public AutoCloseable gauge(String name, String help, java.util.function.Supplier<Number> value,
                String... tags) {
            return () -> { };
        }
    }

    @Test
    void writesThatWaitAreCommittedTogetherAndEachCallerGetsItsResult() throws Exception {
        GroupCommit<Integer, Integer> gc = groupCommit();
        RecordingMeters meters = new RecordingMeters();
        gc.useMeters(meters);
        Future<Integer> first = callers.submit(() -> gc.submit(0));
        firstIsRunning.await();
        List<Future<Integer>> waiting = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            int item = n;
            waiting.add(callers.submit(() -> gc.submit(item)));
        }
        assertEquals(0, first.get());
        for (int n = 1; n <= 5; n++) {
            assertEquals(n * 10, waiting.get(n - 1).get());
        }
        assertEquals(1.0, meters.batches.get(0), "the first write committed alone");
        assertEquals(6.0, meters.batches.stream().mapToDouble(Double::doubleValue).sum(), "every write in a batch");
        assertTrue(meters.batches.size() < 6, "those that waited went together: " + meters.batches);
        assertEquals(meters.batches.size(), meters.commits.size());
        assertEquals(6, meters.writes.size(), "each caller's wait for its commit is timed");
        Set<Thread> batchThreads = new java.util.HashSet<>(List.of(executedBy.get(1), executedBy.get(2),
                executedBy.get(3), executedBy.get(4), executedBy.get(5)));
        assertEquals(1, batchThreads.size(), "the five that waited were written in one transaction by one caller");
        assertEquals(List.of(0, 1, 2, 3, 4, 5), rows());
    }

    @Test
    void aFailingWriteFailsOnlyItsOwnCaller() throws Exception {
        GroupCommit<Integer, Integer> gc = groupCommit();
        Future<Integer> first = callers.submit(() -> gc.submit(0));
        firstIsRunning.await();
        Future<Integer> good = callers.submit(() -> gc.submit(7));
        Future<Integer> bad = callers.submit(() -> gc.submit(-1));
        Future<Integer> alsoGood = callers.submit(() -> gc.submit(8));
        first.get();
        assertEquals(70, good.get());
        assertEquals(80, alsoGood.get());
        Exception e = assertThrows(Exception.class, bad::get);
        assertEquals(IllegalStateException.class, e.getCause().getClass());
        assertEquals(List.of(0, 7, 8), rows(), "the good writes are committed once each");
    }

    @Test
    void anErrorInABatchLeavesNoCallerWaiting() throws Exception {
        GroupCommit<Integer, Integer> gc = groupCommit();
        Future<Integer> first = callers.submit(() -> gc.submit(0));
        firstIsRunning.await();
        List<Future<Integer>> batch = new ArrayList<>();
        for (int n : new int[] {1, -99, 2}) {
            batch.add(callers.submit(() -> gc.submit(n)));
        }
        first.get();
        for (Future<Integer> f : batch) {
            assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, java.util.concurrent.TimeUnit.SECONDS),
                    "every caller of the failed batch is answered (none hangs) and none is told it committed");
        }
        assertEquals(List.of(0), rows(), "nothing of the failed batch was committed");
        assertEquals(30, gc.submit(3), "the next write commits as usual");
    }
}
