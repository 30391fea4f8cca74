package io.parley.itests;

import static io.parley.itests.AccountsIT.statusOf;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.ParleyException;
import io.parley.api.group.Decision;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupList;
import io.parley.api.group.GroupRule;
import io.parley.api.group.GroupService;
import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.client.ParleySession;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

/** Discussion groups over real sockets: rules, fan-out through the inbox, events, eviction. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupsIT extends ParleyTestSupport {

    private static final int CAP = 55;

    @Inject
    private GroupService groupService;

    private final List<ParleySession> sessions = new ArrayList<>();

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            // Groups of strangers: FriendsIT shows that a group names only friends with the switch on.
            newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption(),
            newConfiguration("io.parley.groups")
                .put("maxMembers", Integer.toString(CAP))
                .put("maxNamedPerRequest", "100")
                .put("idleEvictSeconds", "2")
                .put("sweepSeconds", "1")
                .asOption()};
    }

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    @After
    public void closeSessions() {
        sessions.forEach(ParleySession::close);
    }

    private int devices;

    /** A new connection of the user, on a device of its own (a second login on one device would kick the first). */
    private ParleyClient as(String user) throws Exception {
        ParleyClient c = client();
        await(c.login(user, PASSWORD, "dev" + ++devices));
        return c;
    }

    private List<InboxEntry> inbox(String user) throws Exception {
        ParleyClient c = client();
        await(c.login(user, PASSWORD, "check"));
        List<InboxEntry> all = await(c.pull(0, 500)).messages();
        c.close();
        return all;
    }

    private static List<String> eventTypes(List<InboxEntry> inbox, long groupId) {
        return inbox.stream().filter(e -> InboxEntry.EVENT.equals(e.kind()) && Long.valueOf(groupId).equals(e.groupId()))
                .map(e -> e.event().json().replaceAll(".*\"type\":\"([a-z]+)\".*", "$1")).toList();
    }

    private List<String> users(String prefix, int n) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(registered(prefix + i + "-"));
        }
        return names;
    }

    @Test
    public void createdGroupShowsInEveryMembersListWithAnEvent() throws Exception {
        List<String> u = users("cr", 3);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("Team 😀", List.of(u.get(1), u.get(2), u.get(1), u.get(0))));
        for (String name : u) {
            GroupList list = await(as(name).groups());
            assertEquals(1, list.groups().size());
            assertEquals("Team 😀", list.groups().get(0).name());
            assertEquals(name.equals(u.get(0)) ? "owner" : "member", list.groups().get(0).role());
            assertEquals(List.of("created"), eventTypes(inbox(name), id));
        }
        GroupInfo info = await(owner.groupInfo(id));
        assertEquals(u.get(0), info.owner());
        assertEquals(List.of(u.get(0), u.get(1), u.get(2)), info.members().stream().map(GroupInfo.Member::username).toList());
        assertEquals(Map.of(), info.settings());
    }

    @Test
    public void oneSendReachesFiftyMembersOnceOnlineAndOffline() throws Exception {
        List<String> u = users("fan", 50);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("fifty", u.subList(1, 50)));
        List<List<InboxEntry>> online = new ArrayList<>();
        for (int i = 1; i < 25; i++) {
            List<InboxEntry> got = new CopyOnWriteArrayList<>();
            online.add(got);
            sessions.add(await(ParleySession.login("127.0.0.1", port(), u.get(i), PASSWORD, "pc", SDK_OPTIONS, got::add)));
        }
        long msgId = await(owner.sendToGroup(id, "hello fifty", "g1")).msgId();
        assertEquals("a resend with the cid is the same message", msgId, await(owner.sendToGroup(id, "hello fifty", "g1")).msgId());
        for (List<InboxEntry> got : online) {
            awaitTrue("the message online", Duration.ofSeconds(10),
                    () -> got.stream().anyMatch(e -> e.msgId() == msgId));
        }
        Thread.sleep(200);
        for (List<InboxEntry> got : online) {
            assertEquals(1, got.stream().filter(e -> e.msgId() == msgId).count());
        }
        for (int i = 25; i < 50; i++) {
            List<InboxEntry> entries = inbox(u.get(i));
            List<InboxEntry> msgs = entries.stream().filter(e -> e.msgId() == msgId).toList();
            assertEquals("offline member " + i + " gets it once at login", 1, msgs.size());
            assertEquals(Long.valueOf(id), msgs.get(0).groupId());
            assertEquals("hello fifty", msgs.get(0).text());
            assertEquals(u.get(0), msgs.get(0).from());
        }
        List<InboxEntry> history = await(as(u.get(30)).groupHistory(id, null, null));
        assertEquals("hello fifty", history.get(0).text());
    }

    @Test
    public void removedMembersCannotSendAndEveryoneSeesTheEvents() throws Exception {
        List<String> u = users("rm", 3);
        ParleyClient owner = as(u.get(0));
        ParleyClient second = as(u.get(1));
        long id = await(owner.createGroup("rm", List.of(u.get(1))));
        await(second.addMembers(id, List.of(u.get(2))));
        assertEquals(Status.FORBIDDEN, statusOf(second.removeMembers(id, List.of(u.get(2)))));
        assertEquals(Status.FORBIDDEN, statusOf(second.dissolveGroup(id)));
        await(owner.removeMembers(id, List.of(u.get(2))));
        ParleyClient removed = as(u.get(2));
        assertEquals(Status.FORBIDDEN, statusOf(removed.sendToGroup(id, "let me in", "x")));
        assertEquals(Status.FORBIDDEN, statusOf(removed.groupInfo(id)));
        assertEquals(Status.FORBIDDEN, statusOf(removed.groupHistory(id, null, null)));
        assertEquals(List.of("created", "added", "removed"), eventTypes(inbox(u.get(0)), id));
        assertEquals(List.of("added", "removed"), eventTypes(inbox(u.get(2)), id));
        assertTrue(await(removed.groups()).groups().isEmpty());
    }

    @Test
    public void dissolveTellsEveryMemberAndTheGroupIsGone() throws Exception {
        List<String> u = users("ds", 3);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("ds", u.subList(1, 3)));
        await(owner.dissolveGroup(id));
        for (String name : u) {
            assertEquals(List.of("created", "dissolved"), eventTypes(inbox(name), id));
        }
        assertEquals(Status.NOT_FOUND, statusOf(owner.groupInfo(id)));
        assertEquals(Status.NOT_FOUND, statusOf(owner.sendToGroup(id, "anyone?", "x")));
        assertTrue(await(as(u.get(1)).groups()).groups().isEmpty());
    }

    @Test
    public void anOwnerWhoLeavesHandsOverAndTheLastOneOutDissolves() throws Exception {
        List<String> u = users("lv", 3);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("lv", List.of(u.get(1))));
        await(as(u.get(1)).addMembers(id, List.of(u.get(2))));
        await(owner.leaveGroup(id));
        assertEquals("the longest-standing member owns it now", u.get(1), await(as(u.get(2)).groupInfo(id)).owner());
        await(as(u.get(2)).leaveGroup(id));
        ParleyClient last = as(u.get(1));
        assertEquals(1, await(last.groupInfo(id)).members().size());
        await(last.leaveGroup(id));
        assertEquals(Status.NOT_FOUND, statusOf(last.groupInfo(id)));
        assertEquals(List.of("created", "added", "left", "left", "dissolved"), eventTypes(inbox(u.get(1)), id));
    }

    @Test
    public void theMemberCapHoldsOnCreateAndAdd() throws Exception {
        List<String> u = users("cap", CAP + 1);
        ParleyClient owner = as(u.get(0));
        assertEquals(Status.FORBIDDEN, statusOf(owner.createGroup("too big", u.subList(1, CAP + 1))));
        // One request names at most maxNamedPerRequest (here 100), refused before any name is looked up.
        assertEquals(Status.BAD_REQUEST, statusOf(owner.createGroup("too many named",
                java.util.Collections.nCopies(101, unique("nobody")))));
        long id = await(owner.createGroup("full", u.subList(1, CAP - 1)));
        assertEquals(Status.FORBIDDEN, statusOf(owner.addMembers(id, u.subList(CAP - 1, CAP + 1))));
        await(owner.addMembers(id, List.of(u.get(CAP - 1))));
        assertEquals(CAP, await(owner.groupInfo(id)).members().size());
        assertEquals(Status.FORBIDDEN, statusOf(owner.addMembers(id, List.of(u.get(CAP)))));
    }

    @Test
    public void aRuleRegisteredAtRuntimeDeniesAndItsRemovalAllowsAgain() throws Exception {
        List<String> u = users("rule", 2);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("ruled", List.of(u.get(1))));
        GroupRule quiet = action -> action.type() == GroupAction.Type.SEND
                ? Decision.deny("This group is read-only today.") : Decision.ABSTAIN;
        ServiceRegistration<GroupRule> registration = context.registerService(GroupRule.class, quiet, null);
        try {
            ParleyException e = failure(owner.sendToGroup(id, "hi", "r1"));
            assertEquals(Status.FORBIDDEN, e.status());
            assertEquals("This group is read-only today.", e.getMessage());
        } finally {
            registration.unregister();
        }
        await(owner.sendToGroup(id, "hi", "r2"));
    }

    @Test
    public void idleGroupsAreEvictedAndReloadedWithTheSameMembers() throws Exception {
        List<String> u = users("ev", 3);
        ParleyClient owner = as(u.get(0));
        long id = await(owner.createGroup("evict", u.subList(1, 3)));
        GroupInfo before = await(owner.groupInfo(id));
        assertTrue(groupService.cachedGroups() >= 1);
        awaitTrue("idle groups to be evicted", Duration.ofSeconds(10), () -> groupService.cachedGroups() == 0);
        GroupInfo after = await(owner.groupInfo(id));
        assertEquals(before, after);
        assertEquals(1, groupService.cachedGroups());
        await(owner.sendToGroup(id, "still here", "e1"));
    }

    @Test
    public void badGroupInputGetsAStatusAndTheConnectionLives() throws Exception {
        List<String> u = users("bg", 3);
        ParleyClient owner = as(u.get(0));
        ParleyClient stranger = as(u.get(2));
        assertEquals(Status.NOT_FOUND, statusOf(owner.groupInfo(999_999)));
        assertEquals(Status.NOT_FOUND, statusOf(owner.sendToGroup(999_999, "x", "1")));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.createGroup("", List.of())));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.createGroup("n".repeat(65), List.of())));
        ParleyException unknown = failure(owner.createGroup("x", List.of(u.get(1), "ghost_one", "ghost_two")));
        assertEquals(Status.NOT_FOUND, unknown.status());
        assertTrue(unknown.getMessage().contains("ghost_one, ghost_two"));

        long id = await(owner.createGroup("bad", List.of(u.get(1))));
        assertEquals(Status.FORBIDDEN, statusOf(stranger.sendToGroup(id, "hi", "1")));
        assertEquals(Status.FORBIDDEN, statusOf(stranger.groupInfo(id)));
        assertEquals(Status.FORBIDDEN, statusOf(stranger.addMembers(id, List.of(u.get(2)))));
        assertEquals(Status.CONFLICT, statusOf(owner.addMembers(id, List.of(u.get(1), u.get(0)))));
        await(owner.addMembers(id, List.of(u.get(1), u.get(2), u.get(2))));
        assertEquals(3, await(owner.groupInfo(id)).members().size());
        assertEquals(Status.NOT_FOUND, statusOf(owner.addMembers(id, List.of("ghost_three"))));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.removeMembers(id, List.of(u.get(0)))));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.sendToGroup(id, "", "2")));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.sendToGroup(id, "x".repeat(4097), "3")));
        assertEquals(Status.BAD_REQUEST, statusOf(owner.request(io.parley.protocol.Types.GROUP_SEND,
                Map.of("groupId", "not a number", "text", "x", "cid", "4"))));
        assertEquals(Status.NOT_FOUND, statusOf(owner.groupHistory(999_999, null, null)));
        await(owner.ping());
    }
}
