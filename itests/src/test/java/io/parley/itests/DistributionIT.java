package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.parley.api.account.LoginResponse;
import io.parley.client.ParleyClient;
import io.parley.client.ParleySession;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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

    private static Distribution dist;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution();
        dist.start();
    }

    @AfterClass
    public static void stop() throws Exception {
        dist.close();
    }

    @Test
    public void aUserRegistersAndLogsInWithTheSdkOutsideOsgi() throws Exception {
        String name = "dist" + System.nanoTime() % 1_000_000;
        try (ParleyClient client = ParleyClient.connect("127.0.0.1", dist.port).get(10, TimeUnit.SECONDS)) {
            client.register(name, "password-1", "Dist").get(10, TimeUnit.SECONDS);
            LoginResponse login = client.login(name, "password-1", "pc").get(10, TimeUnit.SECONDS);
            assertTrue(login.userId() > 0);
            assertEquals("Dist", client.profile(name).get(10, TimeUnit.SECONDS).nickname());
        }
        assertTrue("the embedded H2 database lives in data/", Files.exists(dist.home.resolve("data/parley.mv.db")));
        assertTrue("the log reaches logs/", dist.log().contains("Storage ready"));
        assertTrue("the shipped config has no admin token, and the start says the admin API is off",
                dist.log().contains("The admin API is off"));
        assertTrue("the web port listens", dist.log().contains("Parley HTTP listening on 0.0.0.0:" + dist.httpPort));
        assertFalse("a clean boot logs no errors or warnings:\n" + dist.log(),
                dist.log().contains("ERROR") || dist.log().contains("WARN"));
    }

    /** The README's "Two clients chatting" example, as written there, against the distribution. */
    @Test
    public void readmeChatExampleWorks() throws Exception {
        int port = dist.port;
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ParleyClient c = ParleyClient.connect("localhost", port).join()) {
            c.register("carol", "correct horse", null).join();
            c.register("dave", "battery staple", null).join();
            c.login("carol", "correct horse", "setup").join();
            c.addFriend("dave", "hi, it's carol").join();
        }
        try (ParleyClient c = ParleyClient.connect("localhost", port).join()) {
            c.login("dave", "battery staple", "setup").join();
            c.acceptFriend("carol").join();
        }

        ParleySession dave = ParleySession.login("localhost", port, "dave", "battery staple", "phone",
                entry -> printed.add(entry.from() + ": " + entry.text())).join();
        ParleySession carol = ParleySession.login("localhost", port, "carol", "correct horse", "laptop",
                entry -> { }).join();

        long msgId = carol.send("dave", "hello dave").join();
        assertTrue(msgId > 0);
        dist.awaitTrue("dave to print the message", Duration.ofSeconds(10), () -> !printed.isEmpty());
        assertEquals(List.of("carol: hello dave"), printed);
        carol.close();
        dave.close();
    }

    @Test
    public void zEditingEtcAppliesLiveAndSigtermStopsCleanly() throws Exception {
        int oldPort = dist.port;
        int newPort = Distribution.freePort();
        ParleyClient before = ParleyClient.connect("127.0.0.1", oldPort).get(10, TimeUnit.SECONDS);
        dist.setConfig("io.parley.transport", "port", Integer.toString(newPort));
        dist.awaitTrue("the listener to move to the new port", Duration.ofSeconds(20),
                () -> Distribution.accepts(newPort) && !Distribution.accepts(oldPort));
        dist.port = newPort;
        try (ParleyClient client = ParleyClient.connect("127.0.0.1", newPort).get(10, TimeUnit.SECONDS)) {
            client.ping().get(10, TimeUnit.SECONDS);
        }
        // A connection accepted on the old port stays: the edit moved the listener, not the connections.
        before.ping().get(10, TimeUnit.SECONDS);
        before.close();

        assertTrue("stopped within 20 s of SIGTERM", dist.stop());
        assertTrue("the listener was closed on the way out: " + dist.console(),
                dist.console().contains("Parley stops listening on port " + newPort));
        assertFalse(Distribution.accepts(newPort));
    }
}
