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
 * Turns the result lines of a run into a markdown table (Parley against the relay, with ratios) and one
 * latency chart (PNG). With {@code --check} it only verifies that every workload delivered something without
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
        List<JsonObject> memory = results.stream().filter(r -> r.has("heapKiBPerConnection")).toList();
        Map<String, JsonObject[]> byWorkload = byWorkload(results.stream().filter(r -> !memory.contains(r)).toList());
        Map<String, JsonObject[]> timed = new LinkedHashMap<>(byWorkload);
        timed.values().removeIf(pair -> pair[0] != null && !pair[0].has("p50ms"));
        chart(timed, out.resolve("benchmarks-latency.png").toFile());
        Files.writeString(out.resolve("benchmarks.md"), header + table(byWorkload) + memoryTable(memory));
        System.out.println("wrote " + out.resolve("benchmarks.md") + " and benchmarks-latency.png");
    }

    private static boolean check(List<JsonObject> results) {
        boolean ok = !results.isEmpty();
        for (JsonObject r : results) {
            if (r.has("heapKiBPerConnection")) {
                continue;
            }
            boolean skipped = r.has("skipped");
            boolean good = skipped || (r.get("throughput").getAsLong() > 0 && r.get("errors").getAsLong() == 0);
            System.out.printf("%-8s %-10s %s%n", r.get("target").getAsString(), r.get("workload").getAsString(),
                    good ? "ok " + (skipped ? "(skipped)" : r.get("throughput") + " " + r.get("unit").getAsString())
                            : "FAILED " + r);
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
        md.append("| workload | Parley | relay | Parley / relay | Parley p50 / p99 / p99.9 ms | relay p50 / p99 / p99.9 ms | p99 Parley / relay |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, JsonObject[]> e : byWorkload.entrySet()) {
            JsonObject p = e.getValue()[0];
            JsonObject r = e.getValue()[1];
            boolean relay = r != null && !r.has("skipped");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                    rate(p), relay ? rate(r) : "n/a", relay ? ratio(p, r, "throughput") : "n/a", percentiles(p),
                    relay ? percentiles(r) : "n/a", relay ? ratio(p, r, "p99ms") : "n/a"));
        }
        return md.toString();
    }

    private static String memoryTable(List<JsonObject> memory) {
        if (memory.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\nIdle logged-in connections with heartbeats, server memory per connection "
                + "(heap after a full GC, and RSS, each minus the same server before the connections):\n\n"
                + "| target | connections | heap KiB / connection | RSS KiB / connection | heap in use, MiB |\n"
                + "|---|---|---|---|---|\n");
        for (JsonObject m : memory) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d |%n", m.get("target").getAsString(),
                    m.get("connections").getAsInt(), m.get("heapKiBPerConnection").getAsString(),
                    m.get("rssKiBPerConnection").getAsString(), m.get("heapMiB").getAsInt()));
        }
        return md.toString();
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

    /** Grouped bars: p50, p99 and p99.9 per workload, Parley beside the relay, log scale. */
    private static void chart(Map<String, JsonObject[]> byWorkload, File file) throws Exception {
        int width = 200 + 260 * byWorkload.size();
        int height = 480;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int left = 80;
        int top = 40;
        int bottom = height - 90;
        double minLog = Math.log10(0.05);
        double maxLog = Math.log10(2000);
        g.setColor(Color.BLACK);
        g.drawString("Latency percentiles (ms, log scale): Parley (blue) and the raw Netty relay (grey)", left, 24);
        for (double ms : new double[] {0.1, 1, 10, 100, 1000}) {
            int y = y(ms, minLog, maxLog, top, bottom);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, y, width - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(ms < 1 ? String.valueOf(ms) : String.valueOf((int) ms), 30, y + 4);
        }
        int x = left + 20;
        String[] fields = {"p50ms", "p99ms", "p999ms"};
        String[] labels = {"p50", "p99", "p99.9"};
        for (Map.Entry<String, JsonObject[]> e : byWorkload.entrySet()) {
            for (int f = 0; f < fields.length; f++) {
                for (int t = 0; t < 2; t++) {
                    JsonObject r = e.getValue()[t];
                    if (r == null || r.has("skipped")) {
                        continue;
                    }
                    double ms = Math.max(0.05, r.get(fields[f]).getAsDouble());
                    int y = y(ms, minLog, maxLog, top, bottom);
                    g.setColor(t == 0 ? new Color(40, 100, 200) : new Color(150, 150, 150));
                    g.fillRect(x + f * 70 + t * 30, y, 28, bottom - y);
                }
                g.setColor(Color.BLACK);
                g.drawString(labels[f], x + f * 70 + 10, bottom + 16);
            }
            g.drawString(e.getKey(), x, bottom + 36);
            x += 260;
        }
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, width - 20, bottom);
        g.dispose();
        ImageIO.write(image, "png", file);
    }

    private static int y(double ms, double minLog, double maxLog, int top, int bottom) {
        double f = (Math.log10(ms) - minLog) / (maxLog - minLog);
        return (int) Math.round(bottom - Math.max(0, Math.min(1, f)) * (bottom - top));
    }
}
