package io.parley.bench;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a message's time went inside Parley during one run, from the server's own metrics (its admin API's
 * /metrics, scraped before and after the run: the differences are that run alone). Prints one result line (JSON):
 * MSG_SEND requests answered OK (p50, p99), appends to the message log from queueing to answer and the log's
 * write-and-sync of a batch (p50, p99), writes per batch, and syncs per second; on a database (messages=jdbc),
 * its writes from submission to commit, its commits and writes per commit instead; and the collector's pauses.
 * Usage: ServerTrace before.txt after.txt seconds label
 */
public final class ServerTrace {

    /** One sample line of the Prometheus text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)");

    private ServerTrace() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Double> before = parse(Path.of(args[0]));
        Map<String, Double> after = parse(Path.of(args[1]));
        double seconds = Double.parseDouble(args[2]);
        JsonObject out = new JsonObject();
        out.addProperty("target", "parley");
        out.addProperty("workload", "trace" + args[3]);
        out.addProperty("errors", 0);
        String send = "status=\"OK\",type=\"MSG_SEND\"";
        out.addProperty("sendP50Ms", quantile(before, after, "parley_requests_seconds", send, 0.50) * 1e3);
        out.addProperty("sendP99Ms", quantile(before, after, "parley_requests_seconds", send, 0.99) * 1e3);
        // The message log's series, or the database's (messages=jdbc) when the log has none.
        boolean log = after.keySet().stream().anyMatch(k -> k.startsWith("parley_log_append_seconds"));
        String append = log ? "parley_log_append_seconds" : "parley_jdbc_write_seconds";
        String commit = log ? "parley_log_commit_seconds" : "parley_jdbc_commit_seconds";
        String batch = log ? "parley_log_batch" : "parley_jdbc_batch";
        out.addProperty("store", log ? "message log" : "database");
        out.addProperty("appendP50Ms", quantile(before, after, append, "", 0.50) * 1e3);
        out.addProperty("appendP99Ms", quantile(before, after, append, "", 0.99) * 1e3);
        out.addProperty("commitP50Ms", quantile(before, after, commit, "", 0.50) * 1e3);
        out.addProperty("commitP99Ms", quantile(before, after, commit, "", 0.99) * 1e3);
        double batches = delta(before, after, batch + "_count");
        out.addProperty("writesPerBatch", batches == 0 ? 0 : delta(before, after, batch + "_sum") / batches);
        out.addProperty("syncsPerSecond", (log ? delta(before, after, "parley_log_syncs_total") : batches) / seconds);
        out.addProperty("appendsPerSecond", delta(before, after, append + "_count") / seconds);
        // The collector's pauses in the run: every thread of the server stood still meanwhile.
        out.addProperty("gcPauses", sum(before, after, "jvm_gc_pause_seconds_count"));
        out.addProperty("gcPauseMs", sum(before, after, "jvm_gc_pause_seconds_sum") * 1e3);
        out.addProperty("gcPauseMaxMs", after.entrySet().stream()
                .filter(e -> e.getKey().startsWith("jvm_gc_pause_seconds_max")).mapToDouble(Map.Entry::getValue)
                .max().orElse(0) * 1e3);
        System.out.println(out);
    }

    /** Every sample, keyed by its name and labels as written ({@code name{a="1",b="2"}}). */
    static Map<String, Double> parse(Path file) throws IOException {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}");
                samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }

    /** The change of every series of the metric (all its labels), summed. */
    private static double sum(Map<String, Double> before, Map<String, Double> after, String metric) {
        double total = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            if (e.getKey().equals(metric) || e.getKey().startsWith(metric + "{")) {
                total += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return total;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    /**
     * The q-quantile, in seconds, of a histogram's observations between the two scrapes, interpolated within its
     * bucket; 0 without observations. {@code labels} selects the series (its labels other than le, in order).
     */
    static double quantile(Map<String, Double> before, Map<String, Double> after, String histogram, String labels,
            double q) {
        String prefix = histogram + "_bucket{" + (labels.isEmpty() ? "" : labels + ",") + "le=\"";
        List<double[]> buckets = new ArrayList<>(); // upper bound, observations at or below it
        for (Map.Entry<String, Double> e : after.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String le = e.getKey().substring(prefix.length(), e.getKey().indexOf('"', prefix.length()));
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.add(new double[] {bound, e.getValue() - before.getOrDefault(e.getKey(), 0.0)});
            }
        }
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] <= 0) {
            return 0;
        }
        double total = buckets.get(buckets.size() - 1)[1];
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (double[] b : buckets) {
            if (b[1] >= rank) {
                if (Double.isInfinite(b[0])) {
                    return lowerBound;
                }
                double inBucket = b[1] - lowerCount;
                return inBucket <= 0 ? b[0] : lowerBound + (b[0] - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = b[0];
            lowerCount = b[1];
        }
        return lowerBound;
    }
}
