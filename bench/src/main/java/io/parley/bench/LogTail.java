package io.parley.bench;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.NewMessage;
import io.parley.storage.log.internal.LogMessageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Recorder;

/**
 * The message log's own tail with fsync on, without the network, the server or the load generator's sockets:
 * appends at a fixed rate (open loop: each append's latency counts from when it was due, so a stall counts for
 * every append it held up), 1:1 messages of a typical size, from enough threads that none waits for another.
 * Prints each second's p99 and largest append, marked where a new segment of the log began, and the whole run's
 * percentiles as JSON. On a busy 2-core machine the clients' p99 is mostly the CPU's; this is the log's part.
 *
 * <p>Arguments: folder (must not exist), msgs/s, seconds.
 */
public final class LogTail {

    private static final int THREADS = 64;
    private static final int USERS = 10_000;

    private LogTail() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists: give a folder that does not");
        }
        LogMessageStore store = new LogMessageStore(dir, true);
        Recorder perSecond = new Recorder(3);
        Recorder whole = new Recorder(3);
        long start = System.nanoTime() + 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        double interval = 1e9 * THREADS / rate;
        AtomicLong sent = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                String text = "a message of about the size people send, " + "x".repeat(160);
                for (long n = 0; ; n++) {
                    long due = start + (long) ((n + (double) thread / THREADS) * interval);
                    if (due >= end) {
                        return null;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long i = sent.incrementAndGet();
                    long from = 1 + (i * 7919) % USERS;
                    long to = 1 + (i * 104_729 + 1) % USERS;
                    if (to == from) {
                        to = from % USERS + 1;
                    }
                    store.append(new NewMessage(from, "user" + from, to, "user" + to, null, InboxEntry.MSG, text, null,
                            "c" + i, System.currentTimeMillis()), List.of(from, to));
                    long took = System.nanoTime() - due;
                    perSecond.recordValue(took);
                    whole.recordValue(took);
                }
            }));
        }
        int segments = count(dir);
        for (int s = 1; s <= seconds; s++) {
            long at = start + s * 1_000_000_000L;
            LockSupport.parkNanos(at - System.nanoTime());
            org.HdrHistogram.Histogram h = perSecond.getIntervalHistogram();
            int now = count(dir);
            System.out.printf("  log  %3d s  %6d appends  p99 %7.2f ms  max %7.2f ms  %s%s%n", s, h.getTotalCount(),
                    h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
                    now > segments ? "  (a new segment began)" : "");
            segments = now;
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        store.close();
        org.HdrHistogram.Histogram h = whole.getIntervalHistogram();
        System.out.printf("{\"target\":\"log\",\"workload\":\"append-at-rate\",\"rate\":%d,\"appends\":%d,"
                        + "\"p50ms\":%.3f,\"p99ms\":%.3f,\"p999ms\":%.3f,\"maxMs\":%.3f}%n", rate, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }

    private static int count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        }
    }
}
