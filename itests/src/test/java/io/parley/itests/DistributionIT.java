package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.parley.api.account.LoginResponse;
import io.parley.client.ParleyClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The distribution as an operator runs it: bin/parley from a copy of distribution/target/parley, the client
 * SDK on a plain class path (no OSGi), etc/ edited while it runs, and a clean stop on SIGTERM.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DistributionIT {

    private static Path home;
    private static Process server;
    private static int port;

    @BeforeClass
    public static void start() throws Exception {
        home = Files.createTempDirectory("parley-dist").resolve("parley");
        run("cp", "-a", System.getProperty("parley.distribution"), home.toString());
        port = freePort();
        setPort(port);
        server = new ProcessBuilder(home.resolve("bin/parley").toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.txt").toFile())
                .start();
        awaitTrue("the server to listen", Duration.ofSeconds(60), () -> log().contains("Parley listening on 0.0.0.0:" + port));
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aUserRegistersAndLogsInWithTheSdkOutsideOsgi() throws Exception {
        String name = "dist" + System.nanoTime() % 1_000_000;
        try (ParleyClient client = ParleyClient.connect("127.0.0.1", port).get(10, TimeUnit.SECONDS)) {
            client.register(name, "password-1", "Dist").get(10, TimeUnit.SECONDS);
            LoginResponse login = client.login(name, "password-1", "pc").get(10, TimeUnit.SECONDS);
            assertTrue(login.userId() > 0);
            assertEquals("Dist", client.profile(name).get(10, TimeUnit.SECONDS).nickname());
        }
        assertTrue("the embedded H2 database lives in data/", Files.exists(home.resolve("data/parley.mv.db")));
        assertTrue("the log reaches logs/", log().contains("Storage ready"));
    }

    @Test
    public void zEditingEtcAppliesLiveAndSigtermStopsCleanly() throws Exception {
        int newPort = freePort();
        setPort(newPort);
        awaitTrue("the listener to move to the new port", Duration.ofSeconds(20), () -> accepts(newPort) && !accepts(port));
        port = newPort;
        try (ParleyClient client = ParleyClient.connect("127.0.0.1", port).get(10, TimeUnit.SECONDS)) {
            client.ping().get(10, TimeUnit.SECONDS);
        }

        server.destroy();
        assertTrue("stopped within 20 s of SIGTERM", server.waitFor(20, TimeUnit.SECONDS));
        assertTrue("the listener was closed on the way out: " + log(), log().contains("Parley stops listening on port " + newPort));
        assertTrue(!accepts(newPort));
    }

    private static void setPort(int p) throws IOException {
        Path cfg = home.resolve("etc/io.parley.transport.cfg");
        String text = Files.readString(cfg).replaceAll("(?m)^port=.*$", "port=" + p);
        // Write a new file and move it over the old one, as an editor would, so FileInstall never reads half a file.
        Path tmp = home.resolve("transport.cfg.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, cfg, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String log() {
        try {
            Path log = home.resolve("logs/parley.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean accepts(int p) {
        try (Socket s = new Socket("127.0.0.1", p)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(String.join(" ", command), 0, p.waitFor());
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!server.isAlive()) {
                fail("the server exited while waiting for " + what + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                fail("Timed out waiting for " + what + "; log:\n" + log());
            }
            Thread.sleep(100);
        }
    }
}
