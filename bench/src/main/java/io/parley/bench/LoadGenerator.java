package io.parley.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.parley.client.LoginCache;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.protocol.Types;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Drives one workload against one server (Parley or the relay) over many connections on a few Netty
 * threads, for a bounded time, and appends one JSON line of results to a file.
 *
 * <pre>
 * LoadGenerator TARGET PORT WORKLOAD SECONDS OUT [key=value ...]
 *   carrier=ws httpPort=N  every connection over WebSocket instead of TCP (Parley only)
 *   receiverPort=N         peak and rate: the receivers connect to this port (a second node) instead
 *   serverPid=P[,P2]       the server processes whose CPU per item is measured (summed)
 *   backendPids=P,P2       other processes (the database, Redis) whose CPU per item is reported beside it
 *   WORKLOAD  peak    closed loop: pairs= senders each keep window= messages in flight
 *             rate    open loop at rate= messages/s in total over pairs= pairs (latency corrected for
 *                     coordinated omission: measured from each message's intended send time)
 *             fanout  one sender, members= online members, rate= group messages/s
 *             logins  connections= loops of connect + LOGIN (the password sent, hashed by the server) + close
 *             scram-logins  the same with SCRAM (AUTH_START + AUTH_FINISH); each user's keys are derived once and
 *                     cached, as a real client would
 *             reconnect  connections= logged-in connections, all dropped at once after seconds, then all back
 *                     with RESUME (up to 1,024 at a time): how long until every one is back, and the server's CPU
 *             idle    connections= logged-in connections that only send heartbeats; prints "IDLE READY"
 *                     once all are up, so bench/run.sh can measure the server's memory meanwhile
 * </pre>
 *
 * Only 127.0.0.1 is ever a target. Latency is from send to the receiver holding the entry (MSG_NOTIFY inline).
 */
public final class LoadGenerator {

    private static final String PASSWORD = "bench-password";
    private static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);

    private final String target;
    private final int port;
    private final Map<String, String> options;
    private final EventLoopGroup loop = new NioEventLoopGroup(2);
    private final ParleyClientOptions clientOptions;
    private final Recorder latency = new Recorder(MAX_LATENCY_NS, 3);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<ParleyClient> clients = new ArrayList<>();

    private LoadGenerator(String target, int port, Map<String, String> options) {
        this.target = target;
        this.port = port;
        this.options = options;
        this.clientOptions = ParleyClientOptions.defaults().withEventLoop(loop).withRequestTimeout(Duration.ofSeconds(30))
                .withLoginCache(new LoginCache(100_000));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            options.put(kv[0], kv[1]);
        }
        LoadGenerator g = new LoadGenerator(args[0], Integer.parseInt(args[1]), options);
        try {
            JsonObject result = g.run(args[2], Integer.parseInt(args[3]));
            Files.writeString(Path.of(args[4]), result + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            System.out.println(result);
        } finally {
            g.clients.forEach(ParleyClient::close);
            g.loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.exit(0);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private JsonObject run(String workload, int seconds) throws Exception {
        JsonObject result = switch (workload) {
            case "peak" -> pairs(option("pairs", 20), 0, option("window", 8), seconds);
            case "rate" -> pairs(option("pairs", 20), option("rate", 1000), 1, seconds);
            case "fanout" -> fanout(option("members", 50), option("rate", 20), seconds);
            case "logins" -> logins(option("connections", 16), seconds, false);
            case "scram-logins" -> logins(option("connections", 16), seconds, true);
            case "idle" -> idle(option("connections", 1000), seconds);
            case "reconnect" -> reconnect(option("connections", 1000), seconds);
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
        result.addProperty("target", target);
        result.addProperty("workload", workload + options.getOrDefault("label", ""));
        result.addProperty("errors", errors.get());
        result.addProperty("carrier", "ws".equals(options.get("carrier")) ? "websocket" : "tcp");
        return result;
    }

    // ---- setup --------------------------------------------------------------------------------------

    /**
     * A new connection: TCP to the port, or with {@code carrier=ws} a WebSocket to
     * {@code ws://127.0.0.1:httpPort/ws}, the browsers' carrier (Parley only: the relay speaks TCP alone).
     */
    private CompletableFuture<ParleyClient> open() {
        return open(port);
    }

    /** A new connection to the given TCP port (or, with {@code carrier=ws}, the WebSocket port). */
    private CompletableFuture<ParleyClient> open(int tcpPort) {
        if ("ws".equals(options.get("carrier"))) {
            return ParleyClient.connectWebSocket(java.net.URI.create("ws://127.0.0.1:" + options.get("httpPort") + "/ws"),
                    clientOptions);
        }
        return ParleyClient.connect("127.0.0.1", tcpPort, clientOptions);
    }

    private ParleyClient connect() throws Exception {
        return connect(port);
    }

    private ParleyClient connect(int tcpPort) throws Exception {
        ParleyClient c = open(tcpPort).get(30, TimeUnit.SECONDS);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    /** A logged-in connection of a bench user, registered first if it is new. */
    private ParleyClient user(String name) throws Exception {
        return user(name, port);
    }

    /** The same, connected to a given port (another node). */
    private ParleyClient user(String name, int tcpPort) throws Exception {
        ParleyClient c = connect(tcpPort);
        c.register(name, PASSWORD, null).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        login(c, name, "bench").get(30, TimeUnit.SECONDS);
        return c;
    }

    /** Parley: SCRAM, as the SDK logs in by default. The relay knows only LOGIN, which it answers without a hash. */
    private CompletableFuture<io.parley.api.account.LoginResponse> login(ParleyClient c, String name, String device) {
        return target.equals("relay") ? c.loginPlain(name, PASSWORD, device) : c.login(name, PASSWORD, device);
    }

    /** Counts each inline entry a receiver gets and records its latency from the time written in its text. */
    private void receive(ParleyClient c, boolean ack) {
        c.onNotice(n -> {
            if (n.type() != Types.MSG_NOTIFY) {
                return;
            }
            JsonObject body = n.json();
            long now = System.nanoTime();
            for (JsonElement e : body.getAsJsonArray("messages")) {
                JsonElement text = e.getAsJsonObject().get("text");
                if (text == null || text.isJsonNull()) {
                    continue; // an event entry (the group was created ...), not a timed message
                }
                latency.recordValue(Math.min(MAX_LATENCY_NS, Math.max(0, now - Long.parseLong(text.getAsString()))));
                delivered.incrementAndGet();
            }
            if (ack) {
                c.ack(body.get("seq").getAsLong());
            }
        });
    }

    // ---- workloads ----------------------------------------------------------------------------------

    /** 1:1 between pairs: closed loop (window in flight per sender) when rate is 0, else open loop at rate. */
    private JsonObject pairs(int pairs, int rate, int window, int seconds) throws Exception {
        List<ParleyClient> senders = new ArrayList<>();
        List<String> receivers = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            String receiver = "bench_r" + i;
            // receiverPort=N: the receivers on another node, so that every message crosses between nodes.
            receive(user(receiver, option("receiverPort", port)), true);
            receivers.add(receiver);
            senders.add(user("bench_s" + i));
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        if (rate == 0) {
            for (int i = 0; i < pairs; i++) {
                for (int w = 0; w < window; w++) {
                    closedLoop(senders.get(i), receivers.get(i), end);
                }
            }
        } else {
            long intervalNs = TimeUnit.SECONDS.toNanos(1) * pairs / rate;
            long start = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                openLoop(senders.get(i), receivers.get(i), start + intervalNs * i / pairs, intervalNs, end);
            }
        }
        return measure(seconds, "msgs");
    }

    /**
     * One sender, one message in flight: the next goes when the last is answered. A failed send is counted and the
     * next one is tried from the event loop, never from inside the failure (a closed connection fails at once,
     * and calling on from there recursed until the stack overflowed); a sender whose connection is gone stops.
     */
    private void closedLoop(ParleyClient sender, String to, long end) {
        if (System.nanoTime() > end) {
            return;
        }
        if (!sender.isConnected()) {
            errors.incrementAndGet();
            return;
        }
        long id = sent.incrementAndGet();
        sender.sendMessage(to, Long.toString(System.nanoTime()), "c" + id + "-" + System.nanoTime())
                .whenComplete((r, e) -> {
                    if (e == null) {
                        closedLoop(sender, to, end);
                    } else {
                        errors.incrementAndGet();
                        loop.schedule(() -> closedLoop(sender, to, end), 10, TimeUnit.MILLISECONDS);
                    }
                });
    }

    /** Sends at fixed intended times; the text carries the intended time, so a late send counts as late. */
    private void openLoop(ParleyClient sender, String to, long intended, long intervalNs, long end) {
        if (intended > end) {
            return;
        }
        long delay = intended - System.nanoTime();
        loop.schedule(() -> {
            sent.incrementAndGet();
            sender.sendMessage(to, Long.toString(intended), "o" + intended + "-" + to)
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                        }
                    });
            openLoop(sender, to, intended + intervalNs, intervalNs, end);
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    /** One sender, a group of online members; each group message counts once per member that holds it. */
    private JsonObject fanout(int members, int rate, int seconds) throws Exception {
        ParleyClient sender = user("bench_g0");
        List<String> names = new ArrayList<>();
        for (int i = 1; i < members; i++) {
            String name = "bench_g" + i;
            receive(user(name), false);
            names.add(name);
        }
        // One request names at most maxNamedPerRequest (50 by default) members.
        long groupId = sender.createGroup("bench" + members, names.subList(0, Math.min(50, names.size())))
                .get(60, TimeUnit.SECONDS);
        for (int from = 50; from < names.size(); from += 50) {
            sender.addMembers(groupId, names.subList(from, Math.min(from + 50, names.size()))).get(60, TimeUnit.SECONDS);
        }
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        groupLoop(sender, groupId, System.nanoTime(), intervalNs, end);
        JsonObject result = measure(seconds, "entries");
        result.addProperty("members", members);
        return result;
    }

    private void groupLoop(ParleyClient sender, long groupId, long intended, long intervalNs, long end) {
        if (intended > end) {
            return;
        }
        loop.schedule(() -> {
            sent.incrementAndGet();
            sender.sendToGroup(groupId, Long.toString(intended), "g" + intended).whenComplete((r, e) -> {
                if (e != null) {
                    errors.incrementAndGet();
                }
            });
            groupLoop(sender, groupId, intended + intervalNs, intervalNs, end);
        }, Math.max(0, intended - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Loops of connect, login, close; latency is the login's round trips. */
    private JsonObject logins(int connections, int seconds, boolean scram) throws Exception {
        for (int i = 0; i < connections; i++) {
            user("bench_login" + i).close();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops.add(done);
            loginLoop("bench_login" + i, scram, end, done);
        }
        JsonObject result = measure(seconds, "logins");
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return result;
    }

    private void loginLoop(String name, boolean scram, long end, CompletableFuture<Void> done) {
        if (System.nanoTime() > end) {
            done.complete(null);
            return;
        }
        long start = System.nanoTime();
        open()
                .thenCompose(c -> (scram ? c.loginScram(name, PASSWORD, "storm") : c.loginPlain(name, PASSWORD, "storm"))
                        .whenComplete((r, e) -> c.close()))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        errors.incrementAndGet();
                    } else {
                        latency.recordValue(Math.min(MAX_LATENCY_NS, System.nanoTime() - start));
                        delivered.incrementAndGet();
                    }
                    loginLoop(name, scram, end, done);
                });
    }

    /** A logged-in idle connection and the token it can RESUME with. */
    private record Held(ParleyClient client, String token) {
    }

    /** Opens and logs in many connections of the users bench_i0.., 64 at a time; failures count as errors. */
    private List<Held> openIdle(int connections) throws Exception {
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
        List<CompletableFuture<Held>> opened = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            String name = "bench_i" + i;
            CompletableFuture<Held> c = open()
                    .thenCompose(client -> client.register(name, PASSWORD, null).exceptionally(e -> null)
                            .thenCompose(r -> login(client, name, "idle"))
                            .thenApply(r -> new Held(client, r.token())))
                    .whenComplete((r, e) -> inFlight.release());
            opened.add(c);
        }
        List<Held> held = new ArrayList<>();
        for (CompletableFuture<Held> c : opened) {
            try {
                Held h = c.get(120, TimeUnit.SECONDS);
                synchronized (clients) {
                    clients.add(h.client());
                }
                held.add(h);
            } catch (java.util.concurrent.ExecutionException e) {
                errors.incrementAndGet();
            }
        }
        return held;
    }

    /** Opens and logs in many connections, then holds them with heartbeats only. */
    private JsonObject idle(int connections, int seconds) throws Exception {
        int up = openIdle(connections).size();
        System.out.println("IDLE READY " + up);
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long alive = clients.stream().filter(ParleyClient::isConnected).count();
        JsonObject result = new JsonObject();
        result.addProperty("throughput", alive);
        result.addProperty("unit", "connections held");
        result.addProperty("opened", up);
        return result;
    }

    /**
     * A reconnect storm: every connection dropped at once (a network blip, a restarted balancer), then every
     * device back with RESUME, up to 1,024 at a time. Reports how long until all were back and what that cost
     * the server in CPU per connection, the drop included.
     */
    private JsonObject reconnect(int connections, int seconds) throws Exception {
        List<Held> held = openIdle(connections);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long cpuAtStart = serverCpuMicros();
        long start = System.nanoTime();
        for (Held h : held) {
            h.client().close();
        }
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(1024);
        List<CompletableFuture<ParleyClient>> back = new ArrayList<>();
        for (Held h : held) {
            inFlight.acquire();
            long begun = System.nanoTime();
            back.add(open()
                    .thenCompose(c -> c.resume(h.token(), "idle").thenApply(r -> c))
                    .whenComplete((c, e) -> {
                        inFlight.release();
                        if (e == null) {
                            latency.recordValue(Math.min(MAX_LATENCY_NS, System.nanoTime() - begun));
                        }
                    }));
        }
        int resumed = 0;
        for (CompletableFuture<ParleyClient> c : back) {
            try {
                ParleyClient client = c.get(120, TimeUnit.SECONDS);
                synchronized (clients) {
                    clients.add(client);
                }
                resumed++;
            } catch (java.util.concurrent.ExecutionException e) {
                errors.incrementAndGet();
            }
        }
        long allBackNs = System.nanoTime() - start;
        long cpu = serverCpuMicros() - cpuAtStart;
        org.HdrHistogram.Histogram total = latency.getIntervalHistogram();
        JsonObject result = new JsonObject();
        result.addProperty("throughput", Math.round(resumed / (allBackNs / 1e9)));
        result.addProperty("unit", "resumes/s");
        result.addProperty("connections", held.size());
        result.addProperty("resumed", resumed);
        result.addProperty("allBackMs", allBackNs / 1_000_000);
        if (cpuAtStart >= 0 && resumed > 0) {
            result.addProperty("serverCpuUsPerItem", (double) cpu / resumed);
        }
        result.addProperty("p50ms", total.getValueAtPercentile(50) / 1e6);
        result.addProperty("p99ms", total.getValueAtPercentile(99) / 1e6);
        result.addProperty("p999ms", total.getValueAtPercentile(99.9) / 1e6);
        result.addProperty("samples", total.getTotalCount());
        result.add("percentiles", percentiles(total));
        System.out.printf(Locale.ROOT, "  %d of %d back with RESUME in %d ms%n", resumed, held.size(), allBackNs / 1_000_000);
        return result;
    }

    // ---- measurement --------------------------------------------------------------------------------

    /**
     * The server's CPU time so far (user + system), in microseconds, from /proc/PID/stat; -1 without a
     * {@code serverPid} option or where /proc cannot be read.
     */
    private long serverCpuMicros() {
        return cpuMicros(options.get("serverPid"));
    }

    /**
     * The CPU time so far (user + system) of the processes listed (pids separated by commas), in microseconds,
     * from /proc/PID/stat; -1 without any or where /proc cannot be read.
     */
    private long cpuMicros(String pids) {
        return total(cpuMicrosEach(pids));
    }

    /** The sum of {@link #cpuMicrosEach}'s readings; -1 without them. */
    private static long total(long[] each) {
        return each == null ? -1 : java.util.Arrays.stream(each).sum();
    }

    /** The same for each process listed, in order; null without any or where /proc cannot be read. */
    private long[] cpuMicrosEach(String pids) {
        if (pids == null || pids.isBlank()) {
            return null;
        }
        String[] list = pids.split(",");
        long[] each = new long[list.length];
        for (int i = 0; i < list.length; i++) {
            try {
                String stat = Files.readString(Path.of("/proc", list[i].trim(), "stat"));
                // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14) and stime (15)
                each[i] = ticks * 1_000_000L / option("clockTicks", 100);
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
        return each;
    }

    /** Prints progress each second; the first fifth of the run is warm-up and not counted. */
    private JsonObject measure(int seconds, String unit) throws InterruptedException {
        int warmup = Math.max(1, seconds / 5);
        long counted = 0;
        long before = 0;
        long cpuAtStart = -1;
        long[] eachAtStart = null;
        long backendAtStart = -1;
        org.HdrHistogram.Histogram total = new org.HdrHistogram.Histogram(MAX_LATENCY_NS, 3);
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            if (s == warmup) {
                // One reading of each server process: the sum and each one's share come from the same moment.
                eachAtStart = cpuMicrosEach(options.get("serverPid"));
                cpuAtStart = total(eachAtStart);
                backendAtStart = cpuMicros(options.get("backendPids"));
            }
            long now = delivered.get();
            org.HdrHistogram.Histogram interval = latency.getIntervalHistogram();
            // The wall-clock second too, to set beside the server's log (its snapshots, say).
            System.out.printf(Locale.ROOT, "  %-6s %-7s %3d s  %8d %s/s  p99 %7.2f ms  %s%s%n", target, unit, s,
                    now - before, unit, interval.getValueAtPercentile(99) / 1e6,
                    java.time.LocalTime.now().withNano(0), s <= warmup ? "  (warm-up)" : "");
            if (s > warmup) {
                counted += now - before;
                total.add(interval);
            }
            before = now;
        }
        long[] eachAtEnd = cpuMicrosEach(options.get("serverPid"));
        long cpuAtEnd = total(eachAtEnd);
        long backendAtEnd = cpuMicros(options.get("backendPids"));
        JsonObject result = new JsonObject();
        if (backendAtStart >= 0 && backendAtEnd >= 0 && counted > 0) {
            // backendPids: the database's and Redis's CPU per item too (a cluster's cost is not in Parley alone).
            result.addProperty("backendCpuUsPerItem", (double) (backendAtEnd - backendAtStart) / counted);
        }
        if (cpuAtStart >= 0 && cpuAtEnd >= 0 && counted > 0) {
            // What one delivered message (or entry, or login) cost the server in CPU: robust where throughput
            // is not, since it does not depend on how much CPU the machine had left to give.
            result.addProperty("serverCpuUsPerItem", (double) (cpuAtEnd - cpuAtStart) / counted);
        }
        if (eachAtStart != null && eachAtEnd != null && eachAtEnd.length > 1 && counted > 0) {
            // Several server processes (a cluster's nodes): each one's share, in the order serverPid lists them.
            JsonArray each = new JsonArray();
            for (int i = 0; i < eachAtEnd.length; i++) {
                each.add((double) (eachAtEnd[i] - eachAtStart[i]) / counted);
            }
            result.add("serverCpuUsPerItemEach", each);
        }
        double perSecond = counted / (double) (seconds - warmup);
        result.addProperty("throughput", Math.round(perSecond));
        result.addProperty("unit", unit + "/s");
        result.addProperty("p50ms", total.getValueAtPercentile(50) / 1e6);
        result.addProperty("p99ms", total.getValueAtPercentile(99) / 1e6);
        result.addProperty("p999ms", total.getValueAtPercentile(99.9) / 1e6);
        result.addProperty("samples", total.getTotalCount());
        result.add("percentiles", percentiles(total));
        return result;
    }

    /** The latency at each percentile from 0 to 99.999, for a percentile-distribution chart, as [[pct, ms]]. */
    private static JsonArray percentiles(org.HdrHistogram.Histogram h) {
        JsonArray points = new JsonArray();
        for (double pct : new double[] {0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999}) {
            JsonArray point = new JsonArray();
            point.add(pct);
            point.add(h.getValueAtPercentile(pct) / 1e6);
            points.add(point);
        }
        return points;
    }
}
