package io.parley.itests;

import static io.parley.itests.AccountsIT.statusOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import io.parley.api.friend.FriendList;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Friend requests, lists and presence, with messaging at its default: friends only. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FriendsIT extends ParleyTestSupport {

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    /** A connection logged in as the user, its notices recorded from before the login. */
    private ParleyClient online(String user, String device, NoticeRecorder notices) throws Exception {
        ParleyClient c = client();
        c.onNotice(notices);
        await(c.login(user, PASSWORD, device));
        return c;
    }

    @Test
    public void requestThenAcceptMakesFriendsWhoSeeEachOther() throws Exception {
        String a = registered("fa");
        String b = registered("fb");
        NoticeRecorder atA = new NoticeRecorder();
        NoticeRecorder atB = new NoticeRecorder();
        ParleyClient ca = online(a, "pc", atA);
        ParleyClient cb = online(b, "pc", atB);
        assertEquals(Status.FORBIDDEN, statusOf(ca.sendMessage(b, "hi stranger", "x1")));

        assertEquals("pending", await(ca.addFriend(b, "we met at the conference")));
        JsonObject request = atB.next(Types.FRIEND_EVENT);
        assertEquals("request", request.get("event").getAsString());
        assertEquals(a, request.get("username").getAsString());
        assertEquals("we met at the conference", request.get("note").getAsString());
        assertEquals(List.of(b), await(ca.friends()).outgoing());
        FriendList bList = await(cb.friends());
        assertEquals(1, bList.incoming().size());
        assertEquals(a, bList.incoming().get(0).username());
        assertEquals("we met at the conference", bList.incoming().get(0).note());

        await(cb.acceptFriend(a));
        JsonObject accepted = atA.next(Types.FRIEND_EVENT);
        assertEquals("accepted", accepted.get("event").getAsString());
        assertEquals(b, accepted.get("username").getAsString());
        JsonObject presence = atA.next(Types.PRESENCE);
        assertEquals(b, presence.get("username").getAsString());
        assertTrue(presence.get("online").getAsBoolean());

        FriendList aList = await(ca.friends());
        assertEquals(1, aList.friends().size());
        assertEquals(b, aList.friends().get(0).username());
        assertTrue(aList.friends().get(0).online());
        assertTrue(aList.outgoing().isEmpty());
        assertTrue(await(cb.friends()).incoming().isEmpty());
        assertEquals(a, await(cb.friends()).friends().get(0).username());
        await(ca.sendMessage(b, "hi friend", "x2"));
    }

    @Test
    public void askingBackMakesFriendsAtOnce() throws Exception {
        String a = registered("ba");
        String b = registered("bb");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        NoticeRecorder atA = new NoticeRecorder();
        ca.onNotice(atA);
        ParleyClient cb = online(b, "pc", new NoticeRecorder());
        assertEquals("pending", await(ca.addFriend(b, null)));
        assertEquals("pending", await(ca.addFriend(b, null)));
        assertEquals("friends", await(cb.addFriend(a, null)));
        assertEquals("accepted", atA.next(Types.FRIEND_EVENT).get("event").getAsString());
        assertEquals(Status.CONFLICT, statusOf(ca.addFriend(b, null)));
    }

    @Test
    public void rejectTellsTheAskerAndLeavesNoRequest() throws Exception {
        String a = registered("ra");
        String b = registered("rb");
        NoticeRecorder atA = new NoticeRecorder();
        ParleyClient ca = online(a, "pc", atA);
        ParleyClient cb = online(b, "pc", new NoticeRecorder());
        await(ca.addFriend(b, null));
        await(cb.rejectFriend(a));
        JsonObject rejected = atA.next(Types.FRIEND_EVENT);
        assertEquals("rejected", rejected.get("event").getAsString());
        assertEquals(b, rejected.get("username").getAsString());
        assertTrue(await(ca.friends()).outgoing().isEmpty());
        assertTrue(await(cb.friends()).incoming().isEmpty());
        assertEquals(Status.NOT_FOUND, statusOf(cb.acceptFriend(a)));
        assertEquals(Status.NOT_FOUND, statusOf(cb.rejectFriend(a)));
    }

    @Test
    public void removeEndsTheFriendshipForBoth() throws Exception {
        String a = registered("xa");
        String b = registered("xb");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        NoticeRecorder atB = new NoticeRecorder();
        ParleyClient cb = online(b, "pc", atB);
        befriend(ca, a, cb, b);
        assertEquals("request", atB.next(Types.FRIEND_EVENT).get("event").getAsString());
        assertTrue("a new friend who is online", atB.next(Types.PRESENCE).get("online").getAsBoolean());
        await(ca.removeFriend(b));
        JsonObject removed = atB.next(Types.FRIEND_EVENT);
        assertEquals("removed", removed.get("event").getAsString());
        assertEquals(a, removed.get("username").getAsString());
        assertTrue(await(ca.friends()).friends().isEmpty());
        assertTrue(await(cb.friends()).friends().isEmpty());
        assertEquals(Status.FORBIDDEN, statusOf(cb.sendMessage(a, "still there?", "r1")));
        assertEquals(Status.NOT_FOUND, statusOf(cb.removeFriend(a)));
    }

    @Test
    public void aRequestMadeWhileOfflineIsShownAndNotifiedAtLogin() throws Exception {
        String a = registered("oa");
        String b = registered("ob");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        await(ca.addFriend(b, "ping me"));

        NoticeRecorder atB = new NoticeRecorder();
        ParleyClient cb = online(b, "pc", atB);
        JsonObject request = atB.next(Types.FRIEND_EVENT);
        assertEquals(a, request.get("username").getAsString());
        assertEquals("ping me", request.get("note").getAsString());
        assertEquals(a, await(cb.friends()).incoming().get(0).username());

        NoticeRecorder again = new NoticeRecorder();
        online(b, "ios", again);
        again.none(Types.FRIEND_EVENT, 500);
    }

    @Test
    public void presenceFollowsTheFirstAndLastDeviceOnly() throws Exception {
        String a = registered("pa");
        String b = registered("pb");
        ParleyClient setupA = online(a, "setup", new NoticeRecorder());
        NoticeRecorder atB = new NoticeRecorder();
        ParleyClient cb = online(b, "pc", atB);
        befriend(setupA, a, cb, b);
        atB.next(Types.FRIEND_EVENT);
        assertTrue("a new friend who is online", atB.next(Types.PRESENCE).get("online").getAsBoolean());
        setupA.close();
        JsonObject off = atB.next(Types.PRESENCE);
        assertFalse("closing the last device: offline", off.get("online").getAsBoolean());

        ParleyClient pc = online(a, "pc", new NoticeRecorder());
        JsonObject on = atB.next(Types.PRESENCE);
        assertEquals(a, on.get("username").getAsString());
        assertTrue(on.get("online").getAsBoolean());
        assertEquals("pc", on.get("device").getAsString());

        ParleyClient phone = online(a, "ios", new NoticeRecorder());
        atB.none(Types.PRESENCE, 500);
        await(phone.logout());
        atB.none(Types.PRESENCE, 500);
        assertTrue(await(cb.profile(a)).online());

        await(pc.logout());
        assertFalse("logout of the last device: offline", atB.next(Types.PRESENCE).get("online").getAsBoolean());
        assertFalse(await(cb.profile(a)).online());
        assertFalse(await(cb.friends()).friends().get(0).online());
    }

    @Test
    public void aHeartbeatTimeoutIsAnOfflinePresence() throws Exception {
        String a = registered("ha");
        String b = registered("hb");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        NoticeRecorder atB = new NoticeRecorder();
        ParleyClient cb = online(b, "pc", atB);
        befriend(ca, a, cb, b);
        assertTrue(atB.next(Types.PRESENCE).get("online").getAsBoolean());
        ca.close();
        assertFalse(atB.next(Types.PRESENCE).get("online").getAsBoolean());

        try (WireClient silent = new WireClient(port())) {
            silent.request(Types.LOGIN, "{\"id\":\"l\",\"username\":\"" + a + "\",\"password\":\"" + PASSWORD
                    + "\",\"device\":\"pc\"}");
            assertTrue(atB.next(Types.PRESENCE).get("online").getAsBoolean());
            long start = System.nanoTime();
            JsonObject gone = atB.next(Types.PRESENCE);
            assertFalse(gone.get("online").getAsBoolean());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue("after " + MISSES + " missed heartbeats, was " + seconds + " s",
                    seconds >= READ_IDLE_SECONDS * MISSES - 1);
        }
    }

    @Test
    public void badFriendRequestsGetAStatus() throws Exception {
        String a = registered("ea");
        String b = registered("eb");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        ParleyClient cb = online(b, "pc", new NoticeRecorder());
        assertEquals(Status.NOT_FOUND, statusOf(ca.addFriend(unique("ghost"), null)));
        assertEquals(Status.BAD_REQUEST, statusOf(ca.addFriend(a, null)));
        assertEquals(Status.BAD_REQUEST, statusOf(ca.addFriend(b, "n".repeat(257))));
        assertEquals(Status.NOT_FOUND, statusOf(ca.acceptFriend(b)));
        assertEquals(Status.NOT_FOUND, statusOf(ca.removeFriend(b)));
        assertEquals(Status.NOT_FOUND, statusOf(ca.acceptFriend(unique("ghost"))));
        assertEquals(Status.BAD_REQUEST, statusOf(ca.request(Types.FRIEND_ADD, java.util.Map.of("username", 5))));
        befriend(ca, a, cb, b);
        assertEquals(Status.CONFLICT, statusOf(ca.addFriend(b, null)));
        assertEquals(Status.CONFLICT, statusOf(cb.addFriend(a, null)));
        await(ca.ping());
    }

    @Test
    public void aGroupNamesOnlyTheActorsFriends() throws Exception {
        // A stranger's MSG_SEND answers FORBIDDEN; a group naming the stranger used to answer OK and deliver every
        // GROUP_SEND to them (H2).
        String a = registered("ga");
        String b = registered("gb");
        String c = registered("gc");
        ParleyClient ca = online(a, "pc", new NoticeRecorder());
        ParleyClient cb = online(b, "pc", new NoticeRecorder());
        befriend(ca, a, cb, b);
        ParleyClient cc = online(c, "pc", new NoticeRecorder());
        assertEquals(Status.FORBIDDEN, statusOf(ca.sendMessage(c, "hi", "m1")));
        var refused = failure(ca.createGroup("with a stranger", List.of(b, c)));
        assertEquals(Status.FORBIDDEN, refused.status());
        assertTrue(refused.getMessage(), refused.getMessage().contains(c) && !refused.getMessage().contains(b));
        long group = await(ca.createGroup("friends", List.of(b)));
        assertEquals(Status.FORBIDDEN, statusOf(ca.addMembers(group, List.of(c))));
        assertEquals("a member may not bring in someone who is not their friend either", Status.FORBIDDEN,
                statusOf(cb.addMembers(group, List.of(c))));
        await(ca.sendToGroup(group, "members only", "g1"));
        assertEquals(Status.FORBIDDEN, statusOf(cc.groupInfo(group)));
        assertTrue(await(cc.pull(0, null)).messages().isEmpty());

        befriend(ca, a, cc, c);
        await(ca.addMembers(group, List.of(c)));
        assertEquals(3, await(cc.groupInfo(group)).members().size());
    }
}
