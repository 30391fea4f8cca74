package io.parley.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The disk's own durable-write latency, the floor under any answer that waits for a sync: appends a record of
 * {@code bytes} to a file in {@code dir} and forces it (fdatasync, as the message log does) one at a time for
 * {@code seconds}, and prints one result line (JSON) with the percentiles of each append-and-sync.
 * Usage: DiskSync dir seconds [bytes]
 */
public final class DiskSync {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        Files.createDirectories(dir);
        Path file = dir.resolve("disk-sync-probe.tmp");
        long[] took = new long[1 << 20];
        int n = 0;
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer record = ByteBuffer.allocateDirect(bytes);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end && n < took.length) {
                record.clear();
                long start = System.nanoTime();
                while (record.hasRemaining()) {
                    c.write(record);
                }
                c.force(false);
                took[n++] = System.nanoTime() - start;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        long[] sorted = Arrays.copyOf(took, n);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "{\"target\":\"disk\",\"workload\":\"fdatasync\",\"unit\":\"syncs\","
                + "\"throughput\":%d,\"errors\":0,\"bytes\":%d,\"p50ms\":%.3f,\"p99ms\":%.3f,\"p999ms\":%.3f}%n",
                n / Math.max(1, seconds), bytes, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999));
    }

    private static double ms(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
