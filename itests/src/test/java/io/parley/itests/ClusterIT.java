package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Test;

/**
 * Two nodes (two bin/parley processes) on one MariaDB database and one Redis: a device on one node gets the
 * MSG_NOTIFY of a message sent through the other at once, without pulling, and sessions end across nodes
 * (the same device logging in elsewhere, a password change). Needs MariaDB and Redis on
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
        node.joinCluster(url, REDIS_DATABASE, name);
        return node;
    }

    private ParleyClient user(Distribution node, String username) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", node.port).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.register(username, "password-1", null).get(10, TimeUnit.SECONDS);
        c.login(username, "password-1", "phone").get(10, TimeUnit.SECONDS);
        return c;
    }

    private Distribution east;
    private Distribution west;

    /** Two nodes on a fresh database and Redis index; skipped without the servers outside CI. */
    private void startCluster() throws Exception {
        String missing = TestBackends.unreachable();
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("MariaDB and Redis are required in CI: " + missing);
        }
        Assume.assumeTrue("*** SKIPPED: " + missing + " ***", missing == null);
        url = TestBackends.freshMariaDb();
        TestBackends.flushRedis(REDIS_DATABASE);
        east = node(url, "east");
        west = node(url, "west");
        east.start();
        west.start();
    }

    private void assertNoNodeLoggedAnError() {
        for (Distribution node : nodes) {
            assertTrue("a node logged an error:\n" + node.log(), !node.log().contains("ERROR"));
        }
    }

    private ParleyClient login(Distribution node, String username, String device) throws Exception {
        ParleyClient c = ParleyClient.connect("127.0.0.1", node.port).get(10, TimeUnit.SECONDS);
        clients.add(c);
        c.login(username, "password-1", device).get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    public void sessionsEndAcrossNodes() throws Exception {
        startCluster();
        ParleyClient phoneEast = user(east, "cl_carl");
        CompletableFuture<Notice> replaced = ParleyTestSupport.kickedNotice(phoneEast);
        // The same device logging in on the other node replaces the older connection.
        login(west, "cl_carl", "phone");
        assertTrue(replaced.get(10, TimeUnit.SECONDS).json().get("reason").getAsString().contains("same device"));

        ParleyClient pcEast = login(east, "cl_carl", "pc");
        ParleyClient tabletWest = login(west, "cl_carl", "tablet");
        CompletableFuture<Notice> signedOut = ParleyTestSupport.kickedNotice(tabletWest);
        pcEast.changePassword("password-1", "password-2").get(10, TimeUnit.SECONDS);
        assertTrue(signedOut.get(10, TimeUnit.SECONDS).json().get("reason").getAsString().contains("password"));
        pcEast.ping().get(10, TimeUnit.SECONDS);
        assertNoNodeLoggedAnError();
    }

    @Test
    public void aMessageSentThroughOneNodeIsNotifiedOnTheOther() throws Exception {
        startCluster();

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
        assertNoNodeLoggedAnError();
    }

    /**
     * Polls the request every 50 ms (which keeps a node's cached group view in use) until it answers the status,
     * and returns how long that took; fails after 5 s.
     */
    private static long millisUntil(Status expected, java.util.function.Supplier<CompletableFuture<?>> request)
            throws Exception {
        long start = System.nanoTime();
        while (true) {
            Status got = ParleyTestSupport.answer(request.get());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (got == expected) {
                return ms;
            }
            assertTrue("still " + got + " after " + ms + " ms, expected " + expected, ms < 5000);
            Thread.sleep(50);
        }
    }

    @Test
    public void aGroupChangeOnOneNodeHoldsOnTheOtherWithinASecond() throws Exception {
        startCluster();
        ParleyClient owner = user(east, "cl_owner");
        ParleyClient removed = user(west, "cl_removed");
        ParleyClient stays = user(west, "cl_stays");
        long group = owner.createGroup("across", List.of("cl_removed", "cl_stays")).get(10, TimeUnit.SECONDS);
        // West reads the group and keeps it cached while the member keeps using it.
        removed.groupInfo(group).get(10, TimeUnit.SECONDS);
        removed.sendToGroup(group, "before", "b-" + System.nanoTime()).get(10, TimeUnit.SECONDS);

        owner.removeMembers(group, List.of("cl_removed")).get(10, TimeUnit.SECONDS);
        long ms = millisUntil(Status.FORBIDDEN, () -> removed.sendToGroup(group, "after", "a-" + System.nanoTime()));
        assertTrue("a removed member kept sending through the other node for " + ms + " ms", ms <= 1500);
        assertEquals(Status.FORBIDDEN, AccountsIT.statusOf(removed.groupInfo(group)));

        owner.dissolveGroup(group).get(10, TimeUnit.SECONDS);
        ms = millisUntil(Status.NOT_FOUND, () -> stays.sendToGroup(group, "after dissolve", "d-" + System.nanoTime()));
        assertTrue("a dissolved group took messages on the other node for " + ms + " ms", ms <= 1500);
        assertNoNodeLoggedAnError();
    }

    @Test
    public void aTokenRevokedOnOneNodeIsRefusedOnEveryNode() throws Exception {
        startCluster();
        ParleyClient phone = user(west, "cl_dora");
        String token = phone.login("cl_dora", "password-1", "phone").get(10, TimeUnit.SECONDS).token();
        ParleyClient resumed = ParleyClient.connect("127.0.0.1", west.port).get(10, TimeUnit.SECONDS);
        clients.add(resumed);
        resumed.resume(token, "phone").get(10, TimeUnit.SECONDS); // cached by west's Redis token store

        ParleyClient pc = login(east, "cl_dora", "pc");
        pc.changePassword("password-1", "password-2").get(10, TimeUnit.SECONDS);
        for (Distribution node : nodes) {
            ParleyClient again = ParleyClient.connect("127.0.0.1", node.port).get(10, TimeUnit.SECONDS);
            clients.add(again);
            assertEquals(Status.UNAUTHENTICATED, AccountsIT.statusOf(again.resume(token, "phone")));
        }
        assertNoNodeLoggedAnError();
    }

    @Test
    public void friendsHearOfTheFirstDeviceOnAnyNodeAndTheLastOneOnEvery() throws Exception {
        startCluster();
        ParleyClient ben = user(east, "cl_pben");
        ParleyClient phone = user(east, "cl_panna");
        phone.addFriend("cl_pben", null).get(10, TimeUnit.SECONDS);
        ben.acceptFriend("cl_panna").get(10, TimeUnit.SECONDS);
        NoticeRecorder benHears = new NoticeRecorder();
        ben.onNotice(benHears);
        phone.logout().get(10, TimeUnit.SECONDS);
        assertTrue(benHears.next(Types.PRESENCE).toString().contains("\"online\":false"));

        ParleyClient phoneAgain = login(east, "cl_panna", "phone");
        JsonObject online = benHears.next(Types.PRESENCE);
        assertTrue(online.toString(), online.get("online").getAsBoolean());
        // A second device on the other node, then the first one goes: anna is online throughout.
        ParleyClient pc = login(west, "cl_panna", "pc");
        phoneAgain.logout().get(10, TimeUnit.SECONDS);
        pc.logout().get(10, TimeUnit.SECONDS);
        JsonObject next = benHears.next(Types.PRESENCE);
        assertTrue("expected offline from the pc, the last device, got " + next,
                !next.get("online").getAsBoolean() && next.get("device").getAsString().equals("pc"));
        assertNoNodeLoggedAnError();
    }
}
