package io.parley.testkit.exam;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.ParleyException;
import io.parley.api.account.LoginResponse;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.load.Traffic;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The base of a Pax Exam test of Parley: boots a real Felix with exactly the distribution's boot bundles plus the
 * client SDK and this testkit, configured through ConfigAdmin on free ports and fresh storage (the message log and
 * H2, as the distribution ships), and gives the test connected clients, waits and wire helpers.
 *
 * <p>The boot bundles come from the folder the system property {@code parley.bundles} names, else
 * {@code target/parley/bundle}: a feature project unpacks the distribution's released archive there (the archetype
 * does), and this repository's own tests point at {@code distribution/target/parley/bundle}. The SDK's and this
 * testkit's bundles are the jars their classes were loaded from.
 */
public abstract class ParleyTestSupport {

    /** Heartbeat settings short enough to test a timeout in seconds. */
    protected static final int READ_IDLE_SECONDS = 1;
    protected static final int MISSES = 3;

    @Inject
    protected BundleContext context;

    private final List<ParleyClient> clients = new ArrayList<>();

    @Configuration
    public Option[] config() throws IOException {
        int port = freePort();
        int httpPort = freePort();
        File data = Files.createTempDirectory("parley-it").toFile();
        return options(
                failOnUnresolvedBundles(),
                composite(bootBundles()),
                composite(extraOptions()),
                bundle(jarOf(ParleyClient.class)),
                bundle(jarOf(ParleyTestSupport.class)),
                junitBundles(),
                systemProperty("parley.test.port").value(Integer.toString(port)),
                systemProperty("parley.test.httpPort").value(Integer.toString(httpPort)),
                systemProperty("gosh.args").value("--nointeractive"),
                systemProperty("org.slf4j.simpleLogger.log.io.netty").value("warn"),
                frameworkProperty("felix.fileinstall.dir").value(new File(data, "deploy").getPath()),
                newConfiguration("io.parley.transport")
                        .put("host", "127.0.0.1")
                        .put("port", Integer.toString(port))
                        .put("loginTimeoutSeconds", "3")
                        .put("heartbeatReadIdleSeconds", Integer.toString(READ_IDLE_SECONDS))
                        .put("heartbeatMisses", Integer.toString(MISSES))
                        .put("maxPendingPerConnection", "64")
                        // Test users send as fast as they can from 127.0.0.1; LimitsIT tests the limits.
                        .put("userRates", "")
                        .put("maxConnectionsPerAddress", "0")
                        .putAll(new HashMap<>(transportExtras()))
                        .asOption(),
                // The web port, as the distribution ships it (etc/io.parley.websocket.cfg).
                newConfiguration("io.parley.websocket")
                        .put("host", "127.0.0.1")
                        .put("httpPort", Integer.toString(httpPort))
                        .putAll(new HashMap<>(websocketExtras()))
                        .asOption(),
                storage(data),
                newConfiguration("io.parley.accounts")
                        // Fewer PBKDF2 rounds keep the suite fast; the algorithm and format are the same.
                        .put("pbkdf2Iterations", "10000")
                        // Every test user comes from 127.0.0.1; the limits themselves are tested in
                        // AccountDirectoryTest.
                        .put("maxRegistrationsPerAddress", "0")
                        .put("maxPasswordChecksPerAddress", "0")
                        .putAll(new HashMap<>(accountsExtras()))
                        .asOption());
    }

    /** Account settings a test class adds to the common ones (plain LOGIN off, say). */
    protected Map<String, String> accountsExtras() {
        return Map.of();
    }

    /** Web port settings a test class adds to the common ones (allowed origins, say). */
    protected Map<String, String> websocketExtras() {
        return Map.of();
    }

    /** The web port (the web client at /, WebSocket at /ws). */
    public static int httpPort() {
        return Integer.getInteger("parley.test.httpPort");
    }

    /**
     * Transport settings a test class adds to the common ones (TLS, say). Plain java.util types: this class is
     * loaded inside the framework too, where Pax Exam's configuration classes are not.
     */
    protected Map<String, String> transportExtras() {
        return Map.of();
    }

    /**
     * The storage configuration: as the distribution ships it (the message log, and H2 for the rest) in a fresh
     * folder, unless a test class runs on another backend.
     */
    protected Option storage(File data) {
        return composite(database(data), messagesIn("log", "none"), newConfiguration("io.parley.storage.log")
                .put("directory", new File(data, "messages").getPath())
                .asOption());
    }

    /** H2 alone, messages included. */
    public static Option h2(File data) {
        return composite(database(data), messagesIn("jdbc", "none"));
    }

    private static Option database(File data) {
        return newConfiguration("io.parley.storage.jdbc")
                .put("url", "jdbc:h2:file:" + new File(data, "parley").getPath())
                .asOption();
    }

    /** The storage switch, etc/io.parley.storage.cfg: which store keeps messages, and the cache in front. */
    public static Option messagesIn(String messages, String cache) {
        return newConfiguration("io.parley.storage").put("messages", messages).put("cache", cache).asOption();
    }

    /**
     * The {@code parley.store} name of the message store serving now, as the storage switch chooses it, or
     * "none" while that store is not registered.
     */
    protected String store() {
        return serving("io.parley.messaging.internal.ChosenMessageStore", io.parley.api.store.MessageStore.class,
                chosen -> "redis".equals(chosen.getProperty("cache")) ? "redis"
                        : chosen.getProperty("messages") == null ? "log" : chosen.getProperty("messages").toString());
    }

    /**
     * The {@code parley.store} name of the token store serving now, as the storage switch's {@code cache}
     * chooses it (redis, else jdbc), or "none" while that store is not registered.
     */
    protected String tokenStore() {
        return serving("io.parley.accounts.internal.ChosenTokenStore", io.parley.api.store.TokenStore.class,
                chosen -> "redis".equals(chosen.getProperty("cache")) ? "redis" : "jdbc");
    }

    /** The store a chooser component names, if a store of that name is registered; else "none". */
    private String serving(String chooser, Class<?> storeType,
            java.util.function.Function<org.osgi.framework.ServiceReference<?>, String> nameOf) {
        var chosen = context.getServiceReference(chooser);
        if (chosen == null) {
            return "none";
        }
        String name = nameOf.apply(chosen);
        try {
            return context.getServiceReferences(storeType, "(parley.store=" + name + ")").isEmpty() ? "none" : name;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when presence is shared between nodes (Redis), behind the one PresenceService the transport offers. */
    protected boolean presenceShared() {
        try {
            return context.getServiceReference(io.parley.api.session.SharedPresence.class) != null
                    && context.getServiceReferences(io.parley.api.session.PresenceService.class, null).size() == 1;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Options a test class adds, such as configuration of its own. */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /** Makes the container fail at once, naming the bundle, when any bundle does not resolve. */
    public static Option failOnUnresolvedBundles() {
        return systemProperty("pax.exam.osgi.unresolved.fail").value("true");
    }

    /**
     * The jar a class was loaded from, as a URL for Pax Exam to install: the SDK and this testkit are bundles
     * themselves. In a reactor build before {@code package} that is a classes folder, which is no bundle.
     */
    static String jarOf(Class<?> type) {
        try {
            java.net.URI location = type.getProtectionDomain().getCodeSource().getLocation().toURI();
            if (!location.getPath().endsWith(".jar")) {
                throw new IllegalStateException(type.getName() + " was loaded from " + location
                        + ", not from its bundle jar: run the tests in the integration-test phase (mvn verify)");
            }
            return location.toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The distribution's boot bundles: {@code parley.bundles}, else {@code target/parley/bundle}. */
    public static File bundleFolder() {
        return new File(System.getProperty("parley.bundles", "target/parley/bundle"));
    }

    private static Option[] bootBundles() {
        File dir = bundleFolder();
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("No boot bundles in " + dir + ": build the distribution first");
        }
        Arrays.sort(jars);
        return Arrays.stream(jars).map(f -> bundle(f.toURI().toString())).toArray(Option[]::new);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static int port() {
        return Integer.getInteger("parley.test.port");
    }

    /** Waits until the server accepts connections (components activate asynchronously after boot). */
    protected void awaitServer() throws InterruptedException {
        awaitTrue("the Parley port to open", Duration.ofSeconds(20), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port())) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** SDK options whose heartbeat stays well inside the test server's short idle limit. */
    public static final ParleyClientOptions SDK_OPTIONS = ParleyClientOptions.defaults()
            .withHeartbeat(Duration.ofMillis(300)).withRequestTimeout(Duration.ofSeconds(10));

    /** Completes with the KICKED notice the client gets, if it gets one. */
    public static CompletableFuture<Notice> kickedNotice(ParleyClient client) {
        CompletableFuture<Notice> kicked = new CompletableFuture<>();
        client.onNotice(n -> {
            if (n.type() == Types.KICKED) {
                kicked.complete(n);
            }
        });
        return kicked;
    }

    /** A connected SDK client that is closed after the test. */
    protected ParleyClient client() throws Exception {
        ParleyClient client = ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS).get(10, TimeUnit.SECONDS);
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** A client logged in as the user (password {@link #PASSWORD}, device "pc"), closed after the test. */
    protected ParleyClient loggedIn(String username) throws Exception {
        ParleyClient c = client();
        await(c.login(username, PASSWORD, "pc"));
        return c;
    }

    @org.junit.After
    public void closeClients() {
        synchronized (clients) {
            clients.forEach(ParleyClient::close);
            clients.clear();
        }
    }

    /** The error a call failed with; fails the test when the call succeeded. */
    public static ParleyException failure(CompletableFuture<?> future) throws Exception {
        try {
            await(future);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParleyException p) {
                return p;
            }
            throw e;
        }
        throw new AssertionError("expected the call to fail");
    }

    public static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(15, TimeUnit.SECONDS);
    }

    /** The status a call was answered with: OK when it succeeded, else the error's. */
    public static Status answer(CompletableFuture<?> call) throws Exception {
        try {
            await(call);
            return Status.OK;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParleyException p) {
                return p.status();
            }
            throw e;
        }
    }

    /**
     * Makes a call, again while it answers UNSUPPORTED or UNAVAILABLE: the answers a client gets while a bundle
     * or service on the path is being restarted or rebound. Other failures fail at once.
     */
    public static <T> T whenReady(java.util.function.Supplier<CompletableFuture<T>> call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return await(call.get());
            } catch (ExecutionException e) {
                boolean retry = e.getCause() instanceof ParleyException p
                        && (p.status() == Status.UNSUPPORTED || p.status() == Status.UNAVAILABLE);
                if (!retry || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    public static LoginResponse loginWhenReady(ParleyClient client, String username, String password,
            String device) throws Exception {
        return whenReady(() -> client.login(username, password, device));
    }

    /** Registers a user and returns its name (unique per call). */
    protected String registered(String prefix) throws Exception {
        String name = unique(prefix);
        ParleyClient c = client();
        whenReady(() -> c.register(name, PASSWORD, null));
        c.close();
        return name;
    }

    public static final String PASSWORD = "password-1";

    /** A asks, B accepts: friends. */
    public static void befriend(ParleyClient a, String aName, ParleyClient b, String bName) throws Exception {
        org.junit.Assert.assertEquals("pending", await(a.addFriend(bName, null)));
        await(b.acceptFriend(aName));
    }

    /**
     * {@link HotDeploy#assertHotDeploys} on this server: 20 users, friends in groups of 5, chatting at 50 sends a
     * second while the feature jar is installed, updated and uninstalled. Returns the report.
     */
    protected String assertHotDeploys(java.nio.file.Path featureJar) throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(registered("hd"));
        }
        try (Traffic traffic = Traffic.start(new Traffic.Settings("127.0.0.1", port(), users, PASSWORD, 5, 50, true,
                SDK_OPTIONS))) {
            return HotDeploy.assertHotDeploys(context, featureJar, traffic);
        }
    }

    protected Bundle installed(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("No bundle " + symbolicName);
    }

    public static String unique(String prefix) {
        // Digits only: two of them never look alike (REGISTER refuses a name that reads like a taken one, and
        // base 36 made names such as ...o and ...0).
        return prefix + System.nanoTime() % 100_000_000L;
    }

    public static void assertActive(Bundle b) {
        assertTrue(b.getSymbolicName() + " is " + b.getState(), b.getState() == Bundle.ACTIVE);
    }

}
