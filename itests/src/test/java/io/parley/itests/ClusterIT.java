package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import io.parley.client.ParleyClient;
import io.parley.protocol.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

/**
 * Two nodes (two bin/parley processes) on one MariaDB database and one Redis: a device on one node gets the
 * MSG_NOTIFY of a message sent through the other at once, without pulling. Needs MariaDB and Redis on
 * 127.0.0.1: skipped with a message without them, failed in CI.
 */
public class ClusterIT {

    private static final int REDIS_DATABASE = 10;

    private final List<Distribution> nodes = new ArrayList<>();
    private final List<ParleyClient> clients = new ArrayList<>();
    private String url;

    @After
    public void tearDown() throws Exception {
        clients.forEach(ParleyClient::close);
        for (Distribution node : nodes) {
            node.close();
        }
        if (url != null) {
            TestBackends.dropMariaDb(url);
        }
    }

    private Distribution node(String url, String name) throws Exception {
        Distribution node = new Distribution();
        nodes.add(node);
        node.setConfig("io.parley.messaging", "requireFriendship", "false");
        node.setConfig("io.parley.accounts", "pbkdf2Iterations", "10000");
        node.setConfig("io.parley.storage.jdbc", "url", url);
        node.setConfig("io.parley.storage.jdbc", "user", "root");
        node.setConfig("io.parley.storage.jdbc", "password", "");
        node.setConfig("io.parley.storage.redis", "database", Integer.toString(REDIS_DATABASE));
        node.setConfig("io.parley.storage.redis", "nodeId", name);
        return node;
    }

    private ParleyClient user(Distribution node, String username) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", node.port).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.register(username, "password-1", null).get(10, TimeUnit.SECONDS);
        c.login(username, "password-1", "phone").get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    public void aMessageSentThroughOneNodeIsNotifiedOnTheOther() throws Exception {
        String missing = TestBackends.unreachable();
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("MariaDB and Redis are required in CI: " + missing);
        }
        Assume.assumeTrue("*** SKIPPED: " + missing + " ***", missing == null);
        url = TestBackends.freshMariaDb();
        TestBackends.flushRedis(REDIS_DATABASE);
        Distribution east = node(url, "east");
        Distribution west = node(url, "west");
        east.start();
        west.start();

        ParleyClient anna = user(east, "cl_anna");
        ParleyClient ben = user(west, "cl_ben");
        NoticeRecorder benHears = new NoticeRecorder();
        ben.onNotice(benHears);

        String cid = "across-" + System.nanoTime();
        anna.sendMessage("cl_ben", "across the cluster", cid).get(10, TimeUnit.SECONDS);
        JsonObject notify = benHears.next(Types.MSG_NOTIFY);
        JsonObject entry = notify.getAsJsonArray("messages").get(0).getAsJsonObject();
        assertEquals("across the cluster", entry.get("text").getAsString());
        assertEquals("cl_anna", entry.get("from").getAsString());

        // And back, the other way round.
        NoticeRecorder annaHears = new NoticeRecorder();
        anna.onNotice(annaHears);
        ben.sendMessage("cl_anna", "and back", cid).get(10, TimeUnit.SECONDS);
        JsonObject back = annaHears.next(Types.MSG_NOTIFY);
        assertTrue(back.toString(), back.toString().contains("and back"));
        for (Distribution node : nodes) {
            assertTrue("a node logged an error:\n" + node.log(), !node.log().contains("ERROR"));
        }
    }
}
