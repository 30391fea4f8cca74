package io.parley.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns the result lines of a run into a markdown table (Parley against the relay, with ratios) and a chart
 * (PNG) per workload: the latency percentile distribution, or memory per connection for idle connections. With {@code --check} it only verifies that every workload delivered something without
 * errors (the smoke run in CI: no timing is judged).
 */
public final class Report {

    public static void main(String[] args) throws Exception {
        List<JsonObject> results = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                results.add(JsonParser.parseString(line).getAsJsonObject());
            }
        }
        if (args[1].equals("--check")) {
            System.exit(check(results) ? 0 : 1);
        }
        Path out = Path.of(args[1]);
        String header = Files.readString(Path.of(args[2]));
        // The name of the page and the prefix of its charts: benchmarks (H2) or e.g. benchmarks-mariadb.
        String base = args.length > 3 ? args[3] : "benchmarks";
        List<JsonObject> memory = results.stream().filter(r -> r.has("heapKiBPerConnection")).toList();
        List<JsonObject> overWebSocket = results.stream().filter(Report::overWebSocket).toList();
        List<JsonObject> disk = results.stream().filter(r -> r.get("target").getAsString().equals("disk")).toList();
        List<JsonObject> traces = results.stream().filter(r -> r.has("appendP99Ms")).toList();
        Map<String, JsonObject[]> byWorkload = byWorkload(results.stream()
                .filter(r -> !memory.contains(r) && !overWebSocket.contains(r) && !disk.contains(r)
                        && !traces.contains(r)).toList());
        StringBuilder charts = new StringBuilder("\n## Charts\n\nOne per workload, made by the same run.\n");
        for (Map.Entry<String, JsonObject[]> e : byWorkload.entrySet()) {
            if (e.getValue()[0] != null && e.getValue()[0].has("percentiles")) {
                String name = chartName(base, e.getKey());
                percentileChart(e.getKey(), e.getValue(), out.resolve(name).toFile());
                charts.append("\n![").append(e.getKey()).append("](").append(name).append(")\n");
            }
        }
        if (!memory.isEmpty()) {
            String name = chartName(base, "idle-memory");
            memoryChart(memory, out.resolve(name).toFile());
            charts.append("\n![idle memory](").append(name).append(")\n");
        }
        Files.writeString(out.resolve(base + ".md"), header + table(byWorkload) + carrierTable(overWebSocket, byWorkload)
                + syncGoal(disk, byWorkload) + clusterTable(byWorkload) + traceTable(traces) + memoryTable(memory) + stormTable(results) + charts);
        System.out.println("wrote " + out.resolve(base + ".md") + " and its charts");
    }

    private static boolean check(List<JsonObject> results) {
        boolean ok = !results.isEmpty();
        for (JsonObject r : results) {
            if (r.has("heapKiBPerConnection") || r.has("appendP99Ms")) {
                continue;
            }
            boolean good = r.get("throughput").getAsLong() > 0 && r.get("errors").getAsLong() == 0;
            System.out.printf("%-8s %-10s %s%n", r.get("target").getAsString(), r.get("workload").getAsString(),
                    good ? "ok " + r.get("throughput") + " " + r.get("unit").getAsString() : "FAILED " + r);
            ok &= good;
        }
        return ok;
    }

    /** workload -> {parley, relay} */
    private static Map<String, JsonObject[]> byWorkload(List<JsonObject> results) {
        Map<String, JsonObject[]> map = new LinkedHashMap<>();
        for (JsonObject r : results) {
            JsonObject[] pair = map.computeIfAbsent(r.get("workload").getAsString(), k -> new JsonObject[2]);
            pair[r.get("target").getAsString().equals("parley") ? 0 : 1] = r;
        }
        return map;
    }

    private static String table(Map<String, JsonObject[]> byWorkload) {
        StringBuilder md = new StringBuilder();
        md.append("| workload | Parley | relay | Parley / relay | Parley p50 / p99 / p99.9 ms | relay p50 / p99 / p99.9 ms "
                + "| p99 Parley / relay | server CPU µs per item, Parley / relay |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, JsonObject[]> e : byWorkload.entrySet()) {
            JsonObject p = e.getValue()[0];
            JsonObject r = e.getValue()[1];
            boolean relay = r != null;
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                    rate(p), relay ? rate(r) : "n/a", relay ? ratio(p, r, "throughput") : "n/a", percentiles(p),
                    relay ? percentiles(r) : "n/a", relay ? ratio(p, r, "p99ms") : "n/a", cpu(p, relay ? r : null)));
        }
        return md.toString();
    }

    /**
     * The tail goal with durable writes: Parley's p99 at half of peak (every write synced) against the relay's p99
     * plus the disk's own fdatasync p99, all three from this run. A durable answer cannot beat one sync.
     */
    static String syncGoal(List<JsonObject> disk, Map<String, JsonObject[]> byWorkload) {
        JsonObject[] half = byWorkload.get("rate-at-half-peak");
        if (disk.isEmpty() || half == null || half[0] == null || half[1] == null) {
            return "";
        }
        JsonObject d = disk.get(0);
        double parley = half[0].get("p99ms").getAsDouble();
        double relay = half[1].get("p99ms").getAsDouble();
        double sync = d.get("p99ms").getAsDouble();
        double floor = relay + sync;
        return String.format(Locale.ROOT, "%n### p99 at half of peak against one sync%n%n"
                + "| Parley p99 | relay p99 | disk append + fdatasync p50 / p99 (%d B, %d a second, alone) "
                + "| relay + disk p99 | Parley / (relay + disk) | met? |%n|---|---|---|---|---|---|%n"
                + "| %.2f ms | %.2f ms | %.3f / %.3f ms | %.2f ms | %.2fx | %s |%n", d.get("bytes").getAsInt(),
                d.get("throughput").getAsLong(), parley, relay, d.get("p50ms").getAsDouble(), sync, floor,
                parley / floor, parley <= floor ? "yes" : "no");
    }

    /**
     * Where a message's time went inside Parley in the open-loop runs, from its own metrics over each run
     * ({@link ServerTrace}): the MSG_SEND request, the message log's append from queueing to answer, and the
     * log's write and sync of one batch.
     */
    static String traceTable(List<JsonObject> traces) {
        if (traces.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nInside Parley during the open-loop runs, from its own metrics "
                + "(`/metrics` of the admin API, scraped before and after each run, warm-up included): a MSG_SEND "
                + "answered OK; a write to the message store from its queueing to its answer (the message log's "
                + "append: the write before it, its own write and sync; the database's: the commit before it and its "
                + "own); one write and sync (or commit) of a batch; and the collector's pauses in the run (the "
                + "largest is the largest of the last minutes):\n\n"
                + "| run | store | MSG_SEND p50 / p99 ms | write p50 / p99 ms | batch write + sync p50 / p99 ms "
                + "| writes per batch | syncs (commits) per second | writes per second | GC pauses: count, total, largest "
                + "ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for (JsonObject t : traces) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.1f | %.0f | %.0f "
                    + "| %.0f, %.0f, %.1f |%n",
                    t.get("workload").getAsString().replaceFirst("^trace-", ""), t.get("store").getAsString(),
                    t.get("sendP50Ms").getAsDouble(),
                    t.get("sendP99Ms").getAsDouble(), t.get("appendP50Ms").getAsDouble(),
                    t.get("appendP99Ms").getAsDouble(), t.get("commitP50Ms").getAsDouble(),
                    t.get("commitP99Ms").getAsDouble(), t.get("writesPerBatch").getAsDouble(),
                    t.get("syncsPerSecond").getAsDouble(), t.get("appendsPerSecond").getAsDouble(),
                    t.get("gcPauses").getAsDouble(), t.get("gcPauseMs").getAsDouble(), t.get("gcPauseMaxMs").getAsDouble()));
        }
        return md.toString();
    }

    /**
     * Two nodes on one database and Redis against one, in the same run: the 1:1 peak with every receiver on the
     * second node (every message crosses between the nodes), and the same on one node. CPU per delivered message
     * of the Parley processes together, and of the database and Redis beside it. Goal (issue 23): within 1.3x.
     */
    static String clusterTable(Map<String, JsonObject[]> byWorkload) {
        JsonObject[] two = byWorkload.get("peak-two-nodes");
        JsonObject[] one = byWorkload.get("peak-one-node");
        if (two == null || one == null || two[0] == null || one[0] == null || !two[0].has("serverCpuUsPerItem")
                || !one[0].has("serverCpuUsPerItem")) {
            return "";
        }
        double twoCpu = two[0].get("serverCpuUsPerItem").getAsDouble();
        double oneCpu = one[0].get("serverCpuUsPerItem").getAsDouble();
        double twoAll = twoCpu + backend(two[0]);
        double oneAll = oneCpu + backend(one[0]);
        return String.format(Locale.ROOT, "%n### Two nodes on one database and Redis%n%n"
                + "The 1:1 peak with every receiver on a second node (each message crosses between the nodes through "
                + "Redis), against the same on one node, one after the other. CPU µs per delivered message:%n%n"
                + "| run | msgs/s | p99 ms | Parley processes | MariaDB + Redis | all |%n|---|---|---|---|---|---|%n"
                + "| two nodes | %s | %.2f | %.0f | %.0f | %.0f |%n| one node | %s | %.2f | %.0f | %.0f | %.0f |%n"
                + "| two / one | | | %.2fx | | %.2fx |%n%n"
                + "Goal: Parley's CPU per delivered message across the two nodes within 1.3x of one node's: %s.%n",
                rate(two[0]), two[0].get("p99ms").getAsDouble(), twoCpu, backend(two[0]), twoAll,
                rate(one[0]), one[0].get("p99ms").getAsDouble(), oneCpu, backend(one[0]), oneAll,
                twoCpu / oneCpu, twoAll / oneAll, twoCpu / oneCpu <= 1.3 ? "met" : "not met");
    }

    private static double backend(JsonObject r) {
        return r.has("backendCpuUsPerItem") ? r.get("backendCpuUsPerItem").getAsDouble() : 0;
    }

    static boolean overWebSocket(JsonObject r) {
        return r.has("carrier") && r.get("carrier").getAsString().equals("websocket");
    }

    /**
     * Each workload run over WebSocket beside the same workload over TCP in the same run (its name without the
     * "-ws" label): throughput, the tail and the server's CPU per item.
     */
    static String carrierTable(List<JsonObject> overWebSocket, Map<String, JsonObject[]> byWorkload) {
        StringBuilder md = new StringBuilder();
        for (JsonObject ws : overWebSocket) {
            String workload = ws.get("workload").getAsString().replaceFirst("-ws$", "");
            JsonObject[] tcp = byWorkload.get(workload);
            if (tcp == null || tcp[0] == null) {
                continue;
            }
            if (md.length() == 0) {
                md.append("\nParley over WebSocket (`ws://…/ws`, one frame per binary message) against TCP, the same "
                        + "workload in the same run:\n\n"
                        + "| workload | TCP | WebSocket | WebSocket / TCP | TCP p50 / p99 / p99.9 ms | WebSocket p50 / p99 / "
                        + "p99.9 ms | server CPU µs per item, TCP / WebSocket |\n|---|---|---|---|---|---|---|\n");
            }
            String cpu = tcp[0].has("serverCpuUsPerItem") && ws.has("serverCpuUsPerItem")
                    ? String.format(Locale.ROOT, "%.0f / %.0f", tcp[0].get("serverCpuUsPerItem").getAsDouble(),
                            ws.get("serverCpuUsPerItem").getAsDouble())
                    : "n/a";
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", workload, rate(tcp[0]),
                    rate(ws), ratio(ws, tcp[0], "throughput"), percentiles(tcp[0]), percentiles(ws), cpu));
        }
        return md.toString();
    }

    private static String memoryTable(List<JsonObject> memory) {
        if (memory.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nIdle logged-in connections with heartbeats, server memory per connection: "
                + "the heap they hold (their live objects, with them open minus a few seconds after they all closed), what "
                + "stayed on the heap after they closed (against the same server before they came: the database's pages "
                + "of their new login tokens, per-user state), RSS against the server before they came, and the "
                + "server's CPU while they only send heartbeats (a PING after 5 s without writing), per connection and "
                + "second:\n\n"
                + "| target | connections | heap KiB / connection held | heap KiB / connection left after | "
                + "RSS KiB / connection | heap in use, MiB | CPU µs / connection / s |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (JsonObject m : memory) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %d | %s |%n", m.get("target").getAsString(),
                    m.get("connections").getAsInt(), m.get("heapKiBPerConnection").getAsString(),
                    m.has("heapKiBLeftPerConnection") ? m.get("heapKiBLeftPerConnection").getAsString() : "n/a",
                    m.get("rssKiBPerConnection").getAsString(), m.get("heapMiB").getAsInt(),
                    m.has("cpuUsPerConnectionSecond") ? m.get("cpuUsPerConnectionSecond").getAsString() : "n/a"));
        }
        return md.toString();
    }

    /** The reconnect storms of the run: how many connections, how long until all were back, at what CPU. */
    static String stormTable(List<JsonObject> results) {
        StringBuilder md = new StringBuilder();
        for (JsonObject r : results) {
            if (!r.has("allBackMs")) {
                continue;
            }
            if (md.length() == 0) {
                md.append("\nReconnect storms: every logged-in connection dropped at once, then each device back with "
                        + "RESUME (up to 1,024 reconnecting at a time):\n\n"
                        + "| connections | back with RESUME | all back in | server CPU µs per resume (drop included) |\n"
                        + "|---|---|---|---|\n");
            }
            md.append(String.format(Locale.ROOT, "| %d | %d | %.2f s | %s |%n", r.get("connections").getAsInt(),
                    r.get("resumed").getAsInt(), r.get("allBackMs").getAsLong() / 1000.0,
                    r.has("serverCpuUsPerItem") ? String.format(Locale.ROOT, "%.0f", r.get("serverCpuUsPerItem").getAsDouble()) : "n/a"));
        }
        return md.toString();
    }

    /** Server CPU per delivered item: Parley's, the relay's and how many times the relay's Parley spends. */
    private static String cpu(JsonObject p, JsonObject r) {
        if (p == null || !p.has("serverCpuUsPerItem")) {
            return "n/a";
        }
        double parley = p.get("serverCpuUsPerItem").getAsDouble();
        if (r == null || !r.has("serverCpuUsPerItem") || r.get("serverCpuUsPerItem").getAsDouble() <= 0) {
            return String.format(Locale.ROOT, "%.0f / n/a", parley);
        }
        double relay = r.get("serverCpuUsPerItem").getAsDouble();
        return String.format(Locale.ROOT, "%.0f / %.1f (%.0fx)", parley, relay, parley / relay);
    }

    private static String rate(JsonObject r) {
        return r == null ? "n/a" : r.get("throughput").getAsLong() + " " + r.get("unit").getAsString();
    }

    private static String percentiles(JsonObject r) {
        return r == null || !r.has("p50ms") ? "n/a" : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", r.get("p50ms").getAsDouble(),
                r.get("p99ms").getAsDouble(), r.get("p999ms").getAsDouble());
    }

    private static String ratio(JsonObject p, JsonObject r, String field) {
        if (!p.has(field) || !r.has(field)) {
            return "n/a";
        }
        double below = r.get(field).getAsDouble();
        return below == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", p.get(field).getAsDouble() / below);
    }

    private static final Color PARLEY = new Color(40, 100, 200);
    private static final Color RELAY = new Color(150, 150, 150);
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 80;
    private static final int TOP = 50;
    private static final int BOTTOM = HEIGHT - 60;

    /** The chart file of a workload: docs/BASE-WORKLOAD.png. */
    static String chartName(String base, String workload) {
        return base + "-" + workload.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".png";
    }

    /**
     * A latency percentile distribution, HdrHistogram style: the x axis counts nines (90 %, 99 %, 99.9 % ...),
     * the y axis is milliseconds on a log scale; Parley in blue, the relay in grey.
     */
    private static void percentileChart(String workload, JsonObject[] pair, File file) throws Exception {
        double max = 1;
        for (JsonObject r : pair) {
            if (r != null && r.has("percentiles")) {
                for (var point : r.getAsJsonArray("percentiles")) {
                    max = Math.max(max, point.getAsJsonArray().get(1).getAsDouble());
                }
            }
        }
        double minLog = Math.log10(0.05);
        double maxLog = Math.ceil(Math.log10(max));
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, workload + ": latency by percentile (ms, log scale)");
        for (double ms = 0.1; Math.log10(ms) <= maxLog + 1e-9; ms *= 10) {
            int y = y(ms, minLog, maxLog);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, y, WIDTH - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(ms < 1 ? String.valueOf(ms) : String.valueOf((long) ms), 30, y + 4);
        }
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int n = 0; n < xLabels.length; n++) {
            int x = x(n);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(x, TOP, x, BOTTOM);
            g.setColor(Color.DARK_GRAY);
            g.drawString(xLabels[n], x - 14, BOTTOM + 18);
        }
        g.setStroke(new BasicStroke(2.5f));
        int legend = 0;
        for (int t = 0; t < 2; t++) {
            JsonObject r = pair[t];
            if (r == null || !r.has("percentiles")) {
                continue;
            }
            g.setColor(t == 0 ? PARLEY : RELAY);
            int px = -1;
            int py = -1;
            for (var point : r.getAsJsonArray("percentiles")) {
                double pct = point.getAsJsonArray().get(0).getAsDouble();
                double ms = Math.max(0.05, point.getAsJsonArray().get(1).getAsDouble());
                int x = x(Math.min(5, -Math.log10(1 - pct / 100)));
                int y = y(ms, minLog, maxLog);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString((t == 0 ? "Parley " : "relay ") + rate(r), LEFT + 10, TOP + 16 + 18 * legend++);
        }
        finish(g, image, file);
    }

    /** Heap and RSS per idle connection, Parley beside the relay. */
    private static void memoryChart(List<JsonObject> memory, File file) throws Exception {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, "Idle connections: server memory per connection (KiB)");
        double max = 1;
        for (JsonObject m : memory) {
            max = Math.max(max, Math.max(m.get("heapKiBPerConnection").getAsDouble(), m.get("rssKiBPerConnection").getAsDouble()));
        }
        String[] fields = {"heapKiBPerConnection", "rssKiBPerConnection"};
        String[] labels = {"heap", "RSS"};
        for (int f = 0; f < fields.length; f++) {
            int x = LEFT + 60 + f * 300;
            int t = 0;
            for (JsonObject m : memory) {
                double kib = m.get(fields[f]).getAsDouble();
                int h = (int) Math.round(kib / max * (BOTTOM - TOP - 30));
                boolean parley = m.get("target").getAsString().equals("parley");
                g.setColor(parley ? PARLEY : RELAY);
                g.fillRect(x + t * 90, BOTTOM - h, 80, h);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%s %.1f", m.get("target").getAsString(), kib), x + t * 90, BOTTOM - h - 6);
                t++;
            }
            g.drawString(labels[f] + " (" + memory.get(0).get("connections").getAsInt() + " connections)", x, BOTTOM + 18);
        }
        finish(g, image, file);
    }

    private static Graphics2D canvas(BufferedImage image, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 28);
        return g;
    }

    private static void finish(Graphics2D g, BufferedImage image, File file) throws Exception {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, BOTTOM, WIDTH - 20, BOTTOM);
        g.drawLine(LEFT, TOP, LEFT, BOTTOM);
        g.dispose();
        ImageIO.write(image, "png", file);
    }

    private static int x(double nines) {
        return (int) Math.round(LEFT + 20 + nines / 5 * (WIDTH - LEFT - 60));
    }

    private static int y(double ms, double minLog, double maxLog) {
        double f = (Math.log10(ms) - minLog) / (maxLog - minLog);
        return (int) Math.round(BOTTOM - Math.max(0, Math.min(1, f)) * (BOTTOM - TOP));
    }
}
