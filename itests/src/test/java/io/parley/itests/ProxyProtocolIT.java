package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Behind a load balancer that speaks the PROXY protocol (127.0.0.1 is listed as one here): the client address
 * in the header is the one every per-address limit counts and the operator sees (security review H8). Before,
 * every limit counted the balancer, so one client's failed logins locked out everyone behind it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProxyProtocolIT extends ParleyTestSupport {

    private static final int FAILURES_PER_ADDRESS = 3;

    @Inject
    private CommandProcessor processor;

    @Override
    protected Map<String, String> transportExtras() {
        return Map.of("proxyProtocolFrom", "127.0.0.1, ::1");
    }

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.accounts")
                .put("maxFailuresPerAddress", Integer.toString(FAILURES_PER_ADDRESS))
                .put("maxFailuresPerUsername", "100").asOption()};
    }

    /** A connection through the balancer from the client at this address (a v1 header). */
    private static WireClient from(String client) throws IOException {
        WireClient c = new WireClient(port());
        c.writeRaw(("PROXY TCP4 " + client + " 127.0.0.1 40000 " + port() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return c;
    }

    private static void register(String client, String user) throws Exception {
        try (WireClient c = from(client)) {
            c.request(Types.REGISTER, "{\"id\":\"r\",\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}");
            Frame r = c.response();
            assertEquals(r.bodyText(), Status.OK.code(), r.status());
        }
    }

    @Test
    public void failedLoginsCountForTheClientBehindTheBalancerNotForTheBalancer() throws Exception {
        awaitServer();
        String victim = unique("px");
        register("198.51.100.20", victim);
        try (WireClient attacker = from("198.51.100.10")) {
            for (int i = 0; i < FAILURES_PER_ADDRESS; i++) {
                assertEquals(Status.UNAUTHENTICATED.code(), attacker.login(victim + "x" + i, "wrong-password", "pc").status());
            }
            assertEquals("the attacker's address is locked out", Status.RATE_LIMITED.code(),
                    attacker.login(victim, PASSWORD, "pc").status());
        }
        try (WireClient user = from("198.51.100.20")) {
            Frame r = user.login(victim, PASSWORD, "phone");
            assertEquals("another client behind the same balancer is not: " + r.bodyText(), Status.OK.code(), r.status());
            String sessions = Console.run(processor, "parley:sessions");
            assertTrue(sessions, sessions.contains("198.51.100.20"));
        }
    }

    @Test
    public void aConnectionFromTheBalancerWithoutAHeaderGetsNoAnswer() throws Exception {
        awaitServer();
        try (WireClient bare = new WireClient(port())) {
            for (int i = 0; i < 8; i++) {
                bare.request(Types.PING, "{\"id\":\"p" + i + "\"}");
            }
            try {
                Frame f = bare.read();
                throw new AssertionError("answered without a PROXY header: " + f);
            } catch (IOException closed) {
                assertTrue("not closed, only silent: " + closed, !(closed instanceof java.net.SocketTimeoutException));
            }
        }
    }
}
