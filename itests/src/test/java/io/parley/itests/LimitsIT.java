package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import com.google.gson.JsonObject;
import io.parley.client.ParleyClient;
import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The limits of docs/operations.md, over real sockets, each with its setting lowered to a few. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LimitsIT extends ParleyTestSupport {

    private static final int PER_ADDRESS = 6;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Override
    protected Map<String, String> transportExtras() {
        return Map.of("maxConnectionsPerAddress", Integer.toString(PER_ADDRESS), "userRates", "MSG_SEND:3/60");
    }

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    private static void login(WireClient c, String user, String device) throws Exception {
        Frame r = c.login(user, PASSWORD, device);
        assertEquals(r.bodyText(), Status.OK.code(), r.status());
    }

    @Test
    public void oneAddressHoldsAtMostItsConnectionsAndTheNextIsClosedAtOnce() throws Exception {
        awaitServer();
        List<WireClient> open = new ArrayList<>();
        try {
            // The limit counts every connection from 127.0.0.1, so wait until the earlier ones are gone.
            awaitTrue("a free slot", Duration.ofSeconds(10), () -> {
                try (WireClient probe = new WireClient(port())) {
                    probe.request(Types.PING, "{\"id\":\"x\"}");
                    return probe.response().status() == Status.OK.code();
                } catch (Exception e) {
                    return false;
                }
            });
            for (int i = 0; i < PER_ADDRESS; i++) {
                WireClient c = new WireClient(port());
                open.add(c);
                c.request(Types.PING, "{\"id\":\"p" + i + "\"}");
                assertEquals(Status.OK.code(), c.response().status());
            }
            try (WireClient extra = new WireClient(port())) {
                assertTrue("one connection beyond the limit is closed", extra.closedByServer());
            }
            open.remove(0).close();
            awaitTrue("the freed slot to take a connection", Duration.ofSeconds(10), () -> {
                try (WireClient again = new WireClient(port())) {
                    again.request(Types.PING, "{\"id\":\"y\"}");
                    return again.response().status() == Status.OK.code();
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            for (WireClient c : open) {
                c.close();
            }
        }
    }

    @Test
    public void aUserSendsABurstThenWaitsItsTurnAndOthersAreNotHeldBack() throws Exception {
        awaitServer();
        String a = registered("rate-a");
        String b = registered("rate-b");
        try (WireClient c = new WireClient(port()); WireClient d = new WireClient(port())) {
            login(c, a, "pc");
            for (int i = 0; i < 3; i++) {
                c.request(Types.MSG_SEND, "{\"id\":\"s" + i + "\",\"to\":\"" + b + "\",\"text\":\"hi\",\"cid\":\"c" + i + "\"}");
                assertEquals(Status.OK.code(), c.response().status());
            }
            c.request(Types.MSG_SEND, "{\"id\":\"s3\",\"to\":\"" + b + "\",\"text\":\"hi\",\"cid\":\"c3\"}");
            Frame limited = c.response();
            assertEquals(limited.bodyText(), Status.RATE_LIMITED.code(), limited.status());
            JsonObject body = WireClient.json(limited);
            assertTrue(body.get("retryAfterMs").getAsLong() > 0);
            assertTrue(body.get("error").getAsString().contains("MSG_SEND"));
            c.request(Types.MSG_PULL, "{\"id\":\"u\",\"after\":0}");
            assertEquals("other requests of the user go on", Status.OK.code(), c.response().status());

            login(d, b, "pc");
            d.request(Types.MSG_SEND, "{\"id\":\"s\",\"to\":\"" + a + "\",\"text\":\"hi\",\"cid\":\"c\"}");
            assertEquals("another user has a budget of its own", Status.OK.code(), d.response().status());
        }
    }

    @Test
    public void aUserLogsInAtMostItsDevicesAtOnce() throws Exception {
        awaitServer();
        Configuration accounts = configurationAdmin.getConfiguration("io.parley.accounts", "?");
        Dictionary<String, Object> before = accounts.getProperties();
        Dictionary<String, Object> two = new java.util.Hashtable<>();
        for (var keys = before.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            two.put(key, before.get(key));
        }
        two.put("maxDevicesPerUser", "2");
        accounts.update(two);
        try {
            // The accounts component restarts on its new configuration: wait until it answers again.
            String user = unique("dev");
            ParleyClient pc = client();
            whenReady(() -> pc.register(user, PASSWORD, null));
            loginWhenReady(pc, user, PASSWORD, "pc");
            ParleyClient phone = client();
            await(phone.login(user, PASSWORD, "phone"));
            ParleyClient tablet = client();
            assertEquals(Status.RATE_LIMITED, failure(tablet.login(user, PASSWORD, "tablet")).status());
            ParleyClient pcAgain = client();
            await(pcAgain.login(user, PASSWORD, "pc"));
            awaitTrue("the older pc connection to be replaced", Duration.ofSeconds(5), () -> !pc.isConnected());
            phone.close();
            awaitTrue("the tablet to get the phone's place", Duration.ofSeconds(10), () -> {
                try {
                    await(tablet.login(user, PASSWORD, "tablet"));
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertFalse(phone.isConnected());
        } finally {
            accounts.update(before);
        }
    }

    @Test
    public void everyPasswordCheckCountsRightOrWrong() throws Exception {
        // Each LOGIN runs the costly hash: 10 per username a minute, successful or not (H5).
        awaitServer();
        String user = registered("hash");
        try (WireClient c = new WireClient(port())) {
            for (int i = 0; i < 10; i++) {
                c.request(Types.LOGIN, "{\"id\":\"l" + i + "\",\"username\":\"" + user + "\",\"password\":\""
                        + (i % 3 == 2 ? "wrong-pass" : PASSWORD) + "\",\"device\":\"d" + (i % 2) + "\"}");
                Frame r = c.response();
                assertTrue(r.bodyText(), r.status() == Status.OK.code() || r.status() == Status.UNAUTHENTICATED.code());
            }
            c.request(Types.LOGIN, "{\"id\":\"x\",\"username\":\"" + user + "\",\"password\":\"" + PASSWORD
                    + "\",\"device\":\"d0\"}");
            Frame limited = c.response();
            assertEquals(limited.bodyText(), Status.RATE_LIMITED.code(), limited.status());
            assertTrue(WireClient.json(limited).get("retryAfterMs").getAsLong() > 0);
        }
    }
}
