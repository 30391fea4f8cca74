package io.parley.bench;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.NewMessage;
import io.parley.storage.log.internal.LogMessageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How long the message log takes to start as it grows: writes N one-to-one messages (with cids, between 100,000
 * users) into a fresh log, stops it, then opens it twice: as the server left it (the newest snapshot and the
 * records after it) and, as the baseline in the same run, with its snapshots moved away, so that it reads the
 * whole log as the one-file log of earlier versions did at every start.
 *
 * <pre>java -Xmx8g -cp ... io.parley.bench.LogStartup folder messages</pre>
 * Prints one Markdown table row per start.
 */
public final class LogStartup {

    private static final int USERS = 100_000;

    private LogStartup() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long messages = Long.parseLong(args[1]);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists: give a folder that does not");
        }
        long started = System.nanoTime();
        LogMessageStore store = new LogMessageStore(dir, false);
        write(store, messages);
        store.close();
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("wrote %,d messages in %.1f s (%,.0f/s, fsync off); log %,d MiB in %d segments; snapshots %s%n",
                messages, writeSeconds, messages / writeSeconds, bytes(dir, ".log") >> 20, count(dir, ".log"),
                list(dir, ".snapshot"));

        System.out.println("| start | read | time (ms) | heap after (MiB) |");
        System.out.println("|---|---|---:|---:|");
        start(dir, "as the server left it", "newest snapshot (" + (bytes(dir, ".snapshot") >> 20)
                + " MiB for both kept) and the records after it");
        Path aside = dir.resolveSibling(dir.getFileName() + "-snapshots");
        Files.createDirectories(aside);
        for (Path s : list(dir, ".snapshot")) {
            Files.move(s, aside.resolve(s.getFileName()));
        }
        start(dir, "baseline: without its snapshots", "every record of the log");
    }

    private static void write(LogMessageStore store, long messages) throws Exception {
        int threads = 32;
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            done.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (long i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    long from = 1 + random.nextInt(USERS);
                    long to = 1 + random.nextInt(USERS);
                    if (to == from) {
                        to = from % USERS + 1;
                    }
                    store.append(new NewMessage(from, "user" + from, to, "user" + to, null, InboxEntry.MSG,
                            "message number " + i + ", about sixty characters of text in all", null, "c" + i,
                            System.currentTimeMillis()), List.of(from, to));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    private static void start(Path dir, String how, String reads) {
        System.gc();
        long started = System.nanoTime();
        LogMessageStore store = new LogMessageStore(dir, false);
        long ms = (System.nanoTime() - started) / 1_000_000;
        long check = store.lastSeq(1);
        System.gc();
        long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        store.close();
        if (check <= 0) {
            throw new IllegalStateException("user 1 has no messages after the start: the log was not read");
        }
        System.out.printf("| %s | %s | %,d | %,d |%n", how, reads, ms, heap);
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static long bytes(Path dir, String suffix) throws IOException {
        long n = 0;
        for (Path f : list(dir, suffix)) {
            n += Files.size(f);
        }
        return n;
    }

    private static int count(Path dir, String suffix) throws IOException {
        return list(dir, suffix).size();
    }
}
