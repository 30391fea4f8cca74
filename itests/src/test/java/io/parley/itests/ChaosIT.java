package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.protocol.Status;
import io.parley.testkit.exam.Jars;
import io.parley.testkit.load.Traffic;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;

/**
 * Chaos against a real bin/parley, as issue 21 describes it: users chat at a steady rate, 1:1 and in groups,
 * through the SDK's ParleySession (which resends with the same cid and reconnects with RESUME), while, one step at
 * a time, each Parley bundle is updated with a new build of itself by the operator's {@code bundles.update}, the
 * QQ feature is installed, updated and uninstalled, each etc/*.cfg is edited, and last the transport itself is
 * updated. Every step reports the connections that dropped, the acknowledged messages lost, the ones shown twice,
 * the answers other than OK, and the window the update command measured; all must be zero but the transport's
 * drops (its clients reconnect with RESUME), and every answer OK, UNAVAILABLE or UNSUPPORTED.
 *
 * <p>Sizes: {@code parley.chaos.users} (100 here; 1,000 with {@code -Pchaos}) and {@code parley.chaos.rate}
 * (sends a second in all). The table goes to {@code target/chaos-report.md}; docs/operations.md holds it.
 */
public class ChaosIT {

    private static final String TOKEN = "chaos-test-admin-token-0123456789abcdef0123";
    private static final String PASSWORD = "password-1";
    private static final int USERS = Integer.getInteger("parley.chaos.users", 100);
    private static final int RATE = Integer.getInteger("parley.chaos.rate", 100);
    private static final int GROUP_SIZE = 10;
    /** Users on WebSocket (the browser's carrier), idle but logged in: their connections are watched too. */
    private static final int WEB_USERS = 10;
    /** How long traffic flows after each step's command before the step is closed. */
    private static final Duration SETTLE = Duration.ofMillis(Long.getLong("parley.chaos.settleMs", 1500));
    /** Parley's bundles, each updated in turn; the transport last, since its clients must reconnect. */
    private static final List<String> BUNDLES = List.of("io.parley.serialization", "io.parley.accounts",
            "io.parley.friends", "io.parley.groups", "io.parley.messaging", "io.parley.storage.jdbc",
            "io.parley.storage.log", "io.parley.storage.redis", "io.parley.metrics", "io.parley.web",
            "io.parley.websocket", "io.parley.admin");
    /** Updated only by restarting the server: bundles.update refuses them, saying why. */
    private static final List<String> NOT_LIVE = List.of("io.parley.api", "io.parley.protocol");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Distribution dist;
    private int adminPort;
    private EventLoopGroup loop;
    private Traffic traffic;

    /** One step's figures. */
    private record Step(String name, long start, long end, long windowMs, String note) {
    }

    private final List<Step> steps = new ArrayList<>();
    /** When a WebSocket user's connection dropped (it reconnects at once, to be watched again). */
    private final List<Long> webDrops = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    /** A WebSocket user: logged in, watched; when its connection drops, the time is noted and it comes back. */
    private void webUser(String name, ParleyClientOptions options) {
        if (stopping) {
            return;
        }
        ParleyClient.connectWebSocket(URI.create("ws://127.0.0.1:" + dist.httpPort + "/ws"), options)
                .thenCompose(c -> c.login(name, PASSWORD, "web").thenApply(r -> c))
                .whenComplete((c, e) -> {
                    if (e != null) {
                        loop.schedule(() -> webUser(name, options), 200, TimeUnit.MILLISECONDS);
                        return;
                    }
                    webClients.add(c);
                    c.closeFuture().whenComplete((r, x) -> {
                        if (!stopping) {
                            webDrops.add(now());
                            loop.schedule(() -> webUser(name, options), 200, TimeUnit.MILLISECONDS);
                        }
                    });
                });
    }

    private final List<ParleyClient> webClients = new CopyOnWriteArrayList<>();

    @After
    public void tearDown() throws Exception {
        stopping = true;
        webClients.forEach(ParleyClient::close);
        if (traffic != null) {
            traffic.close();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (dist != null) {
            dist.close();
        }
    }

    private JsonObject admin(String command, String arguments) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/"
                + command)).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(arguments)).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        body.addProperty("httpStatus", r.statusCode());
        return body;
    }

    private boolean adminAnswers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void everyBundleUpdatedUnderLoadLosesNothingAndDropsNoConnection() throws Exception {
        dist = new Distribution();
        adminPort = Distribution.freePort();
        dist.setConfig("io.parley.admin", "token", TOKEN);
        dist.setConfig("io.parley.admin", "port", Integer.toString(adminPort));
        // Everyone may message everyone: the load is about updates, not friendships (tested in FriendsIT).
        dist.setConfig("io.parley.messaging", "requireFriendship", "false");
        dist.start();
        dist.awaitTrue("the admin API", Duration.ofSeconds(60), this::adminAnswers);
        newBuilds();

        for (int i = 0; i < USERS + WEB_USERS; i++) {
            String name = i < USERS ? user(i) : "chaosweb" + (i - USERS);
            JsonObject created = admin("users.create", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD
                    + "\"}");
            assertEquals(created.toString(), 200, created.get("httpStatus").getAsInt());
        }
        loop = new NioEventLoopGroup(2);
        ParleyClientOptions options = ParleyClientOptions.defaults().withEventLoop(loop);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(user(i));
        }
        // Everyone may message everyone here (requireFriendship=false): no friendships to make first.
        traffic = Traffic.start(new Traffic.Settings("127.0.0.1", dist.port, users, PASSWORD, GROUP_SIZE, RATE, false,
                options));
        for (int i = 0; i < WEB_USERS; i++) {
            webUser("chaosweb" + i, options);
        }
        dist.awaitTrue("the WebSocket users logged in", Duration.ofSeconds(30), () -> webClients.size() == WEB_USERS);
        step("steady traffic (baseline)", () -> -1L, "");

        for (String bundle : NOT_LIVE) {
            JsonObject refused = admin("bundles.update", "{\"name\":\"" + bundle + "\"}");
            assertEquals(refused.toString(), 409, refused.get("httpStatus").getAsInt());
            steps.add(new Step("update " + bundle, now(), now(), -1, "refused (409): "
                    + refused.get("error").getAsString()));
        }
        for (String bundle : BUNDLES) {
            step("update " + bundle, () -> update(bundle), bundle.equals("io.parley.admin")
                    ? "window: until the admin API answers again (it updates itself after answering)" : "");
        }
        for (String feature : List.of("qq-group-rules", "content-filter", "message-recall")) {
            for (String action : List.of("install", "update", "uninstall")) {
                step(action + " the " + feature + " feature", () -> feature(feature, action), "");
            }
        }
        int edit = 0;
        try (DirectoryStream<Path> cfgs = Files.newDirectoryStream(dist.home.resolve("etc"), "io.parley.*.cfg")) {
            List<Path> sorted = new ArrayList<>();
            cfgs.forEach(sorted::add);
            Collections.sort(sorted);
            for (Path cfg : sorted) {
                String pid = cfg.getFileName().toString().replaceFirst("\\.cfg$", "");
                int n = ++edit;
                step("edit etc/" + cfg.getFileName(), () -> editConfig(pid, n),
                        "window: until config.show has it (etc/ is read each second)");
            }
        }
        step("update io.parley.transport", () -> update("io.parley.transport"), "clients reconnect with RESUME");
        dist.awaitTrue("every session back on a live connection", Duration.ofSeconds(30), traffic::allConnected);
        // Every send answered (OK, or given up on with a final status), then everything delivered.
        traffic.stopAndSettle(Duration.ofSeconds(90));
        String report = report();
        Path file = Path.of("target/chaos-report.md");
        Files.writeString(file, report);
        System.out.println(report);
        assertTrue(report, !report.contains("**"));
    }

    private static String user(int i) {
        return "chaos" + i;
    }

    private static long now() {
        return Traffic.now();
    }

    private interface Action {
        long run() throws Exception;
    }

    /** Runs one step's action while traffic flows, and lets traffic flow a while after it. */
    private void step(String name, Action action, String note) throws Exception {
        long start = now();
        long window = action.run();
        Thread.sleep(SETTLE.toMillis());
        steps.add(new Step(name, start, now(), window, note));
    }

    /** bundles.update; its window, or (the admin bundle updating itself) the time until the API answers again. */
    private long update(String bundle) throws Exception {
        long start = now();
        JsonObject r = admin("bundles.update", "{\"name\":\"" + bundle + "\"}");
        assertEquals(r.toString(), 200, r.get("httpStatus").getAsInt());
        JsonObject result = r.getAsJsonObject("result");
        assertTrue(r.toString(), result.getAsJsonArray("waiting").isEmpty());
        long window = result.get("windowMs").getAsLong();
        if (window >= 0) {
            return window;
        }
        Thread.sleep(300);
        dist.awaitTrue("the admin API back after its own update", Duration.ofSeconds(60), this::adminAnswers);
        return (now() - start) / 1_000_000L;
    }

    private long feature(String name, String action) throws Exception {
        long start = now();
        JsonObject r = admin("features." + action, "{\"name\":\"" + name + "\"}");
        assertEquals(r.toString(), 200, r.get("httpStatus").getAsInt());
        return (now() - start) / 1_000_000L;
    }

    /** An edit that changes the configuration (a key nobody reads), so each component gets it as a change. */
    private long editConfig(String pid, int n) throws Exception {
        long start = now();
        dist.setConfig(pid, "chaos.edit", Integer.toString(n));
        dist.awaitTrue("etc/" + pid + ".cfg applied", Duration.ofSeconds(30), () -> {
            try {
                JsonObject shownConfig = admin("config.show", "{\"pid\":\"" + pid + "\"}");
                return shownConfig.get("httpStatus").getAsInt() == 200 && shownConfig.getAsJsonObject("result")
                        .getAsJsonObject(pid).has("chaos.edit") && shownConfig.getAsJsonObject("result")
                        .getAsJsonObject(pid).get("chaos.edit").getAsString().equals(Integer.toString(n));
            } catch (Exception e) {
                return false;
            }
        });
        return (now() - start) / 1_000_000L;
    }

    private String report() {
        long[] sentAndAnswered = traffic.sentAndAnswered();
        StringBuilder md = new StringBuilder();
        md.append("Users: ").append(USERS).append(", sends a second: ").append(RATE).append(", sent: ")
                .append(sentAndAnswered[0]).append(", answered OK: ").append(sentAndAnswered[1]).append(".\n\n");
        md.append("| step | window (ms) | unavailable for (ms) | slowest answer (ms) | connections dropped (TCP, "
                + "WebSocket) | acknowledged lost | shown twice | answers in the step | sends that failed | note |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (Step step : steps) {
            boolean transport = step.name().equals("update io.parley.transport");
            Traffic.Tally t = traffic.between(step.start(), step.end());
            // The transport's clients come back in their own time (backoff): counted until the end of the run.
            long until = transport ? Long.MAX_VALUE : step.end();
            long dropped = transport ? traffic.between(step.start(), until).dropped() : t.dropped();
            long webDropped = webDrops.stream().filter(at -> at >= step.start() && at < until).count();
            boolean bad = t.answers().keySet().stream().anyMatch(s -> s != Status.OK && s != Status.UNAVAILABLE
                    && s != Status.UNSUPPORTED);
            md.append("| ").append(step.name())
                    .append(" | ").append(step.windowMs() < 0 ? "-" : Long.toString(step.windowMs()))
                    .append(" | ").append(t.refusedForMs())
                    .append(" | ").append(t.slowestMs())
                    .append(" | ").append(mark(dropped, !transport && dropped > 0))
                    .append(transport ? " of " + USERS + " (all reconnected)" : "")
                    .append(", ").append(mark(webDropped, !transport && webDropped > 0))
                    .append(transport ? " of " + WEB_USERS : "")
                    .append(" | ").append(mark(t.lost(), t.lost() > 0))
                    .append(" | ").append(mark(t.twice(), t.twice() > 0))
                    .append(" | ").append(bad ? "**" + t.answers() + "**" : t.answers().toString())
                    .append(" | ").append(mark(t.failed(), t.failed() > 0))
                    .append(" | ").append(step.note()).append(" |\n");
        }
        return md.toString();
    }

    /** A figure, in bold when it breaks the promise (the test fails on bold). */
    private static String mark(long value, boolean bad) {
        return bad ? "**" + value + "**" : Long.toString(value);
    }

    /** The distribution's own jars, each rebuilt with one more manifest header: a new build of itself. */
    private void newBuilds() throws IOException {
        Path updates = dist.home.resolve("updates");
        Files.createDirectories(updates);
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dist.home.resolve("bundle"), "parley-*.jar")) {
            for (Path jar : jars) {
                Jars.rebuild(jar, updates.resolve(jar.getFileName()));
            }
        }
    }
}
