package io.parley.groups.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.friend.FriendService;
import io.parley.api.group.Decision;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupList;
import io.parley.api.group.GroupRule;
import io.parley.api.group.GroupView;
import io.parley.api.message.Delivery;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.MessageService;
import io.parley.api.store.Conversation;
import io.parley.api.store.Appended;
import io.parley.api.store.FriendStore;
import io.parley.api.store.GroupStore;
import io.parley.api.store.NewMessage;
import io.parley.protocol.Status;
import io.parley.testkit.Components;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GroupDirectoryTest {

    private static final int MAX_MEMBERS = 4;
    private static final int MAX_NAMED = 4;

    /** What the directory needs of the friends bundle's FriendBook, over the same store. */
    private record StoreFriends(FriendStore store) implements FriendService {
        @Override
        public boolean areFriends(long userA, long userB) {
            return store.areFriends(userA, userB);
        }

        @Override
        public List<Long> friendIds(long userId) {
            return store.friends(userId).stream().map(FriendStore.Named::userId).toList();
        }
    }

    /** A group event as it was posted, and to whom. */
    private record Posted(long groupId, List<Long> to, GroupEvent event) {
    }

    /**
     * Puts group messages and events into the inboxes of the memory store, as the messaging bundle's
     * StoreFirstMessageService does (without notices), and remembers each event.
     */
    private final class Inboxes implements MessageService {
        final List<Posted> events = new ArrayList<>();

        @Override
        public Delivery sendDirect(UserRef sender, UserRef recipient, String text, String cid) {
            throw new UnsupportedOperationException("groups send no direct messages");
        }

        @Override
        public java.util.Optional<io.parley.api.store.MessageArchive.Archived> find(long userId, long msgId) {
            throw new UnsupportedOperationException("groups look no message up");
        }

        @Override
        public Delivery withdraw(UserRef actor, io.parley.api.store.MessageArchive.Archived found, Object event) {
            throw new UnsupportedOperationException("groups withdraw no message");
        }

        @Override
        public java.util.Optional<Delivery> withdrawal(long actorId, long msgId) {
            throw new UnsupportedOperationException("groups withdraw no message");
        }

        @Override
        public Delivery sendToGroup(UserRef sender, long groupId, Collection<Long> memberIds, String text, String cid) {
            Appended a = stores.messages().append(new NewMessage(sender.id(), sender.username(), null, null, groupId,
                    InboxEntry.MSG, text, null, cid, now.get()), memberIds);
            return new Delivery(a.msgId(), a.ts(), a.duplicate());
        }

        @Override
        public Delivery postGroupEvent(UserRef actor, long groupId, Collection<Long> memberIds, Object event) {
            GroupEvent e = (GroupEvent) event;
            events.add(new Posted(groupId, List.copyOf(memberIds), e));
            Appended a = stores.messages().append(new NewMessage(actor.id(), actor.username(), null, null, groupId,
                    InboxEntry.EVENT, null, "{\"type\":\"" + e.type() + "\"}", null, now.get()), memberIds);
            return new Delivery(a.msgId(), a.ts(), false);
        }
    }

    /** A rule with a fixed answer per action type, that remembers who it was told left. */
    private static final class RecordingRule implements GroupRule {
        private final Function<GroupAction, Decision> answer;
        final List<List<Long>> left = new ArrayList<>();

        RecordingRule(Function<GroupAction, Decision> answer) {
            this.answer = answer;
        }

        @Override
        public Decision check(GroupAction action) {
            return answer.apply(action);
        }

        @Override
        public void membersLeft(GroupView group, List<Long> userIds) {
            left.add(List.copyOf(userIds));
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemoryStores stores = new MemoryStores();
    private final Inboxes messages = new Inboxes();
    private final List<GroupDirectory> started = new ArrayList<>();

    private final UserRef alice = user("alice");
    private final UserRef bob = user("bob");
    private final UserRef carol = user("carol");
    private final UserRef dave = user("dave");
    private final UserRef erin = user("erin");
    /** Nobody's friend. */
    private final UserRef frank = user("frank");

    /** The directory as DS would configure it by default (requireFriendship on), with a FriendService bound. */
    private final GroupDirectory directory = directory(Configs.defaults(FriendshipPolicy.Configuration.class), true);

    GroupDirectoryTest() {
        for (UserRef friend : List.of(bob, carol, dave, erin)) {
            befriend(alice, friend);
        }
    }

    @AfterEach
    void stop() {
        started.forEach(GroupDirectory::deactivate);
    }

    private UserRef user(String username) {
        return new UserRef(stores.account(username), username);
    }

    private void befriend(UserRef a, UserRef b) {
        stores.friends().makeFriends(a.id(), b.id(), now.get());
    }

    private GroupDirectory directory(FriendshipPolicy.Configuration config, boolean withFriendService) {
        return directory(stores.groups(), config, withFriendService);
    }

    private GroupDirectory directory(GroupStore store, FriendshipPolicy.Configuration config,
            boolean withFriendService) {
        GroupDirectory d = new GroupDirectory(store, messages, stores.accountService(),
                MAX_MEMBERS, MAX_NAMED, new FriendshipPolicy(config), 600_000, 3600, now::get);
        started.add(d);
        return withFriendService ? Components.bind(d, new StoreFriends(stores.friends())) : d;
    }

    private static ParleyException assertStatus(Status status, Executable action) {
        return assertStatus(status, action, "");
    }

    private static ParleyException assertStatus(Status status, Executable action, String why) {
        ParleyException e = assertThrows(ParleyException.class, action, why);
        assertEquals(status, e.status(), why + " " + e.getMessage());
        return e;
    }

    private long team(UserRef... others) {
        return directory.create(alice, "team", names(others));
    }

    private static List<String> names(UserRef... users) {
        return List.of(users).stream().map(UserRef::username).toList();
    }

    private List<String> members(long groupId) {
        return directory.find(groupId).orElseThrow().members().stream().map(m -> m.username()).toList();
    }

    private GroupEvent lastEvent() {
        return messages.events.get(messages.events.size() - 1).event();
    }

    private Posted lastPosted() {
        return messages.events.get(messages.events.size() - 1);
    }

    @Test
    void aRuleWhoseBundleIsBeingReplacedMakesTheActionWaitNotFailOrSlipThrough() {
        long g = team(bob);
        directory.addRule(new RecordingRule(a -> {
            throw new NoClassDefFoundError("io/parley/feature/x/internal/Rule$1");
        }));
        ParleyException e = assertStatus(Status.UNAVAILABLE, () -> directory.send(bob, g, "hi", "c1"));
        assertTrue(e.getMessage().contains("being replaced"), e.getMessage());
        assertEquals(1, stores.messages().lastSeq(bob.id()), "only the group's creation event: nothing was stored");
    }

    // ---- the operator and a deleted user -----------------------------------------------------------------

    @Test
    void theOperatorRemovesEvenTheOwnerAndTheLongestStandingMemberTakesOver() {
        long g = team(bob, carol);
        RecordingRule rule = new RecordingRule(a -> Decision.deny("no one may"));
        directory.addRule(rule);
        assertEquals(List.of("alice"), directory.operatorRemove(g, List.of("alice", "dave")));
        GroupView after = directory.find(g).orElseThrow();
        assertEquals(bob.id(), after.ownerId(), "bob joined with carol, and has the lower id");
        assertEquals(List.of("bob", "carol"), members(g));
        assertEquals(new GroupEvent("removed", null, List.of("alice"), "bob"), lastEvent());
        assertEquals("@server", stores.messages().pull(carol.id(), 0, 100).stream().reduce((x, y) -> y).orElseThrow()
                .from(), "the server did it");
        assertTrue(lastPosted().to().contains(alice.id()), "the removed hear it too");
        assertEquals(List.of(alice.id()), rule.left.get(rule.left.size() - 1));
        assertStatus(Status.NOT_FOUND, () -> directory.operatorRemove(g, List.of("alice")));
        directory.operatorRemove(g, List.of("bob", "carol"));
        assertTrue(directory.find(g).isEmpty(), "no one stays: dissolved");
        assertEquals("dissolved", lastEvent().type());
    }

    @Test
    void theOperatorDissolvesAndShowsAnyGroup() {
        long g = team(bob);
        GroupInfo info = directory.operatorInfo(g);
        assertEquals("alice", info.owner());
        assertEquals(2, info.members().size());
        assertEquals(2, directory.operatorDissolve(g).members().size());
        assertTrue(directory.find(g).isEmpty());
        assertEquals("dissolved", lastEvent().type());
        assertStatus(Status.NOT_FOUND, () -> directory.operatorDissolve(g));
        assertStatus(Status.NOT_FOUND, () -> directory.operatorInfo(g));
    }

    @Test
    void aDeletedUserLeavesEveryGroupAsIfLeavingWhateverTheRules() {
        long owned = team(bob, carol);
        long alone = team();
        long other = directory.create(bob, "bobs", List.of());
        directory.addRule(new RecordingRule(a -> Decision.deny("no one leaves")));
        assertEquals(2, directory.forget(alice));
        assertEquals(bob.id(), directory.find(owned).orElseThrow().ownerId());
        assertTrue(messages.events.stream().anyMatch(p -> p.groupId() == owned
                && p.event().equals(new GroupEvent("left", null, List.of("alice"), "bob"))));
        assertTrue(directory.find(alone).isEmpty(), "a group of one goes with its member");
        assertTrue(directory.find(other).isPresent());
        assertEquals(0, directory.forget(alice), "nothing left to leave");
    }

    // ---- creating ----------------------------------------------------------------------------------------

    @Test
    void theCreatorOwnsTheGroupAndTheNamedOthersAreItsMembers() {
        long g = directory.create(alice, "team", List.of("bob", "CAROL", "bob", "alice"));
        GroupInfo info = directory.info(bob, g, null);
        assertEquals("alice", info.owner());
        assertEquals("team", info.name());
        assertEquals(List.of(new GroupInfo.Member("alice", "owner"), new GroupInfo.Member("bob", "member"),
                new GroupInfo.Member("carol", "member")), info.members(), "duplicates and the creator count once");
        assertEquals(Map.of(), info.settings(), "no feature, no settings");
        assertEquals(new GroupEvent("created", "team", List.of("alice", "bob", "carol"), "alice"), lastEvent());
        assertEquals(List.of(alice.id(), bob.id(), carol.id()), lastPosted().to());
        assertEquals(List.of(new GroupList.Entry(g, "team", "member")), directory.list(bob.id(), null).groups());
    }

    @Test
    void aGroupNameIsOneTo64CharactersAndNotAllBlank() {
        assertStatus(Status.BAD_REQUEST, () -> directory.create(alice, "", List.of()));
        assertStatus(Status.BAD_REQUEST, () -> directory.create(alice, "   ", List.of()));
        assertStatus(Status.BAD_REQUEST, () -> directory.create(alice, "n".repeat(65), List.of()));
        assertStatus(Status.BAD_REQUEST, () -> directory.create(alice, "😀".repeat(33), List.of()));
        assertTrue(stores.groups().groupsOf(alice.id()).isEmpty(), "nothing was created");
        long g = directory.create(alice, "😀".repeat(32), List.of());
        assertEquals("😀".repeat(32), directory.find(g).orElseThrow().name());
    }

    @Test
    void unknownUsersAreAllNamedAndNothingIsCreated() {
        ParleyException e = assertStatus(Status.NOT_FOUND,
                () -> directory.create(alice, "team", List.of("bob", "nobody", "ghost")));
        assertTrue(e.getMessage().contains("nobody") && e.getMessage().contains("ghost"), e.getMessage());
        assertTrue(stores.groups().groupsOf(alice.id()).isEmpty());
        long g = team(bob);
        assertStatus(Status.NOT_FOUND, () -> directory.add(alice, g, List.of("carol", "nobody")));
        assertEquals(List.of("alice", "bob"), members(g), "carol was not added either");
    }

    @Test
    void oneRequestNamesAtMostMaxNamedUsers() {
        assertStatus(Status.BAD_REQUEST, () -> directory.create(alice, "team", names(bob, carol, dave, erin, frank)));
        long g = team();
        assertStatus(Status.BAD_REQUEST, () -> directory.add(alice, g, names(bob, carol, dave, erin, frank)));
        assertStatus(Status.BAD_REQUEST, () -> directory.remove(alice, g, names(bob, carol, dave, erin, frank)));
    }

    @Test
    void aGroupHasAtMostMaxMembersWhenCreatedAndWhenAdded() {
        assertStatus(Status.FORBIDDEN, () -> directory.create(alice, "team", names(bob, carol, dave, erin)));
        assertTrue(stores.groups().groupsOf(alice.id()).isEmpty());
        long g = team(bob, carol, dave);
        assertEquals(MAX_MEMBERS, members(g).size());
        assertStatus(Status.FORBIDDEN, () -> directory.add(alice, g, names(erin)));
        assertFalse(directory.find(g).orElseThrow().isMember(erin.id()));
        directory.leave(dave, g);
        directory.add(alice, g, names(erin));
        assertStatus(Status.FORBIDDEN, () -> directory.add(alice, g, names(dave)));
    }

    // ---- friendship --------------------------------------------------------------------------------------

    @Test
    void withRequireFriendshipCreateAndAddNameOnlyTheActorsFriends() {
        assertTrue(new FriendshipPolicy(Configs.defaults(FriendshipPolicy.Configuration.class)).required(),
                "on by default");
        ParleyException e = assertStatus(Status.FORBIDDEN,
                () -> directory.create(alice, "team", names(bob, frank)));
        assertTrue(e.getMessage().contains("frank") && !e.getMessage().contains("bob"),
                "the error names the strangers only: " + e.getMessage());
        assertTrue(stores.groups().groupsOf(alice.id()).isEmpty());

        long g = team(bob);
        assertStatus(Status.FORBIDDEN, () -> directory.add(alice, g, names(frank)));
        assertStatus(Status.FORBIDDEN, () -> directory.add(bob, g, names(carol)),
                "carol is alice's friend, not the actor's");
        befriend(bob, carol);
        directory.add(bob, g, names(carol));
        assertEquals(List.of("alice", "bob", "carol"), members(g));
    }

    @Test
    void withoutRequireFriendshipAnyoneMayBeNamed() {
        GroupDirectory open = directory(Configs.of(FriendshipPolicy.Configuration.class,
                Map.of("requireFriendship", false)), false);
        long g = open.create(frank, "strangers", names(bob));
        open.add(bob, g, names(erin));
        GroupView view = open.find(g).orElseThrow();
        assertEquals(frank.id(), view.ownerId());
        assertTrue(view.isMember(bob.id()) && view.isMember(erin.id()), "bob and erin are frank's strangers");
    }

    @Test
    void friendshipThatCannotBeCheckedRefusesTheRequest() {
        GroupDirectory withoutFriends = directory(Configs.defaults(FriendshipPolicy.Configuration.class), false);
        assertStatus(Status.UNAVAILABLE, () -> withoutFriends.create(alice, "team", names(bob)));
        long alone = withoutFriends.create(alice, "alone", List.of());
        assertStatus(Status.UNAVAILABLE, () -> withoutFriends.add(alice, alone, names(bob)));
    }

    // ---- who may do what ---------------------------------------------------------------------------------

    @Test
    void anyMemberAddsMembers() {
        long g = team(bob);
        befriend(bob, dave);
        directory.add(bob, g, names(dave));
        assertEquals(List.of("alice", "bob", "dave"), members(g));
        assertEquals(GroupEvent.of("added", List.of("dave")), lastEvent());
        assertEquals(List.of(alice.id(), bob.id(), dave.id()), lastPosted().to(), "the new member hears it too");
    }

    @Test
    void onlyTheOwnerRemovesMembersAndDissolvesTheGroup() {
        long g = team(bob, carol);
        assertStatus(Status.FORBIDDEN, () -> directory.remove(bob, g, names(carol)));
        assertStatus(Status.FORBIDDEN, () -> directory.dissolve(bob, g));
        assertEquals(List.of("alice", "bob", "carol"), members(g));

        directory.remove(alice, g, names(carol));
        assertEquals(List.of("alice", "bob"), members(g));
        directory.dissolve(alice, g);
        assertTrue(directory.find(g).isEmpty());
        assertEquals(GroupEvent.of("dissolved", List.of()), lastEvent());
        assertEquals(List.of(alice.id(), bob.id()), lastPosted().to());
    }

    @Test
    void aNonMemberMayDoNothingToTheGroup() {
        long g = team(bob);
        befriend(carol, dave);
        assertStatus(Status.FORBIDDEN, () -> directory.send(carol, g, "hi", "c1"));
        assertStatus(Status.FORBIDDEN, () -> directory.info(carol, g, null));
        assertStatus(Status.FORBIDDEN, () -> directory.add(carol, g, names(dave)));
        assertStatus(Status.FORBIDDEN, () -> directory.remove(carol, g, names(bob)));
        assertStatus(Status.FORBIDDEN, () -> directory.leave(carol, g));
        assertStatus(Status.FORBIDDEN, () -> directory.dissolve(carol, g));
        assertEquals(List.of("alice", "bob"), members(g));
        assertEquals(0, stores.messages().lastSeq(carol.id()));
    }

    @Test
    void aDissolvedOrUnknownGroupIsNotFound() {
        long g = team(bob);
        directory.dissolve(alice, g);
        assertStatus(Status.NOT_FOUND, () -> directory.send(alice, g, "hi", "c1"));
        assertStatus(Status.NOT_FOUND, () -> directory.info(alice, g, null));
        assertStatus(Status.NOT_FOUND, () -> directory.leave(bob, g));
        assertStatus(Status.NOT_FOUND, () -> directory.add(alice, g, names(carol)));
        assertStatus(Status.NOT_FOUND, () -> directory.send(alice, 999, "hi", "c1"));
        assertTrue(directory.list(bob.id(), null).groups().isEmpty());
    }

    @Test
    void aRemovedMemberCannotSendOrRead() {
        long g = team(bob, carol);
        directory.send(bob, g, "hi", "c1");
        directory.remove(alice, g, names(bob));
        long bobsSeq = stores.messages().lastSeq(bob.id());

        assertStatus(Status.FORBIDDEN, () -> directory.send(bob, g, "still here?", "c2"));
        assertStatus(Status.FORBIDDEN, () -> directory.info(bob, g, null));
        assertFalse(directory.find(g).orElseThrow().isMember(bob.id()), "HISTORY reads only members' groups");
        assertTrue(directory.list(bob.id(), null).groups().isEmpty());

        directory.send(alice, g, "bob is gone", "c3");
        assertEquals(bobsSeq, stores.messages().lastSeq(bob.id()), "nothing more reaches bob's inbox");
        InboxEntry last = stores.messages().history(bob.id(), new Conversation.Group(g), Long.MAX_VALUE, 1).get(0);
        assertEquals(InboxEntry.EVENT, last.kind(), "the removed event is bob's last entry of the group");
        assertEquals(GroupEvent.of("removed", List.of("bob")), lastEvent());
        assertTrue(lastPosted().to().contains(bob.id()));
    }

    /**
     * A reader (a GROUP_SEND, a HISTORY: neither takes the group's lock) that loads the group just before a
     * GROUP_REMOVE commits must not put the old member list back into the cache after the remove invalidated it
     * (it did: the removed member kept sending, receiving and reading while the group stayed in use).
     */
    @Test
    void aMemberRemovedWhileTheGroupIsBeingLoadedCannotSendOrReadEither() throws Exception {
        AtomicBoolean pauseNextFind = new AtomicBoolean();
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        GroupStore real = stores.groups();
        GroupStore pausing = (GroupStore) Proxy.newProxyInstance(GroupStore.class.getClassLoader(),
                new Class<?>[] {GroupStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("find") && pauseNextFind.compareAndSet(true, false)) {
                        loaded.countDown(); // the reader holds the group as it was, not yet cached
                        resume.await(10, TimeUnit.SECONDS);
                    }
                    return result;
                });
        GroupDirectory d = directory(pausing, Configs.defaults(FriendshipPolicy.Configuration.class), true);
        long g = d.create(alice, "team", names(bob, carol));

        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            pauseNextFind.set(true);
            Future<Optional<GroupView>> read = reader.submit(() -> d.find(g));
            assertTrue(loaded.await(10, TimeUnit.SECONDS));
            d.remove(alice, g, names(bob));
            resume.countDown();
            assertTrue(read.get(10, TimeUnit.SECONDS).orElseThrow().isMember(bob.id()), "read before the remove");
        } finally {
            resume.countDown();
            reader.shutdownNow();
        }

        assertFalse(d.find(g).orElseThrow().isMember(bob.id()), "HISTORY must not see bob as a member");
        assertStatus(Status.FORBIDDEN, () -> d.send(bob, g, "still here?", "c1"));
    }

    @Test
    void removingYourselfIsABadRequestAndRemovingNonMembersIsNotFound() {
        long g = team(bob);
        assertStatus(Status.BAD_REQUEST, () -> directory.remove(alice, g, names(alice, bob)));
        assertStatus(Status.NOT_FOUND, () -> directory.remove(alice, g, names(carol, dave)));
        assertEquals(List.of("alice", "bob"), members(g));
        directory.remove(alice, g, names(bob, carol));
        assertEquals(GroupEvent.of("removed", List.of("bob")), lastEvent(), "non-members among them are ignored");
    }

    @Test
    void addingOnlyMembersIsAConflictAndMembersAmongTheNamedAreIgnored() {
        long g = team(bob);
        assertStatus(Status.CONFLICT, () -> directory.add(alice, g, names(bob, alice)));
        directory.add(alice, g, names(bob, carol));
        assertEquals(GroupEvent.of("added", List.of("carol")), lastEvent());
        assertEquals(List.of("alice", "bob", "carol"), members(g));
    }

    @Test
    void anyMemberSendsAndEveryMemberGetsOneEntryOfTheOneMessage() {
        long g = team(bob, carol);
        Delivery d = directory.send(carol, g, "hello all", "c1");
        for (UserRef member : List.of(alice, bob, carol)) {
            InboxEntry newest = stores.messages().history(member.id(), new Conversation.Group(g), Long.MAX_VALUE, 1)
                    .get(0);
            assertEquals(d.msgId(), newest.msgId());
            assertEquals("hello all", newest.text());
        }
        assertEquals(0, stores.messages().lastSeq(dave.id()));
    }

    // ---- leaving -----------------------------------------------------------------------------------------

    @Test
    void theOwnerWhoLeavesHandsTheGroupToTheLongestStandingMember() {
        long g = team(carol);
        now.addAndGet(60_000);
        directory.add(alice, g, names(bob)); // bob has the lower user id but joined later
        directory.leave(alice, g);
        assertEquals(new GroupEvent("left", null, List.of("alice"), "carol"), lastEvent());
        assertEquals(List.of(alice.id(), carol.id(), bob.id()), lastPosted().to(), "the leaver hears it too");
        GroupInfo info = directory.info(bob, g, null);
        assertEquals("carol", info.owner());
        assertEquals(List.of(new GroupInfo.Member("bob", "member"), new GroupInfo.Member("carol", "owner")),
                info.members());
        directory.remove(carol, g, names(bob));
        assertStatus(Status.FORBIDDEN, () -> directory.send(alice, g, "back?", "c1"));
    }

    @Test
    void aMemberWhoLeavesIsGoneAndTheOwnerStays() {
        long g = team(bob, carol);
        directory.leave(bob, g);
        assertEquals(new GroupEvent("left", null, List.of("bob"), null), lastEvent(), "no new owner");
        assertEquals("alice", directory.info(alice, g, null).owner());
        assertEquals(List.of("alice", "carol"), members(g));
        assertStatus(Status.FORBIDDEN, () -> directory.send(bob, g, "hi", "c1"));
    }

    @Test
    void theLastMemberToLeaveDissolvesTheGroup() {
        long g = team(bob);
        directory.leave(alice, g);
        directory.leave(bob, g);
        assertTrue(directory.find(g).isEmpty());
        assertTrue(stores.groups().groupsOf(bob.id()).isEmpty());
        assertEquals(GroupEvent.of("dissolved", List.of()), lastEvent());
        assertEquals(List.of(bob.id()), lastPosted().to());
    }

    // ---- rules -------------------------------------------------------------------------------------------

    @Test
    void rulesAreToldWhoStoppedBeingAMember() {
        RecordingRule rule = new RecordingRule(a -> Decision.ABSTAIN);
        directory.addRule(rule);
        long g = team(bob, carol, dave);
        directory.remove(alice, g, names(bob));
        directory.leave(carol, g);
        directory.leave(alice, g); // dave takes over
        assertEquals(List.of(List.of(bob.id()), List.of(carol.id()), List.of(alice.id())), rule.left);
        directory.leave(dave, g);
        assertEquals(List.of(dave.id()), rule.left.get(3), "the last one out, as the group dissolves");

        long other = team(bob, carol);
        directory.dissolve(alice, other);
        assertEquals(List.of(alice.id(), bob.id(), carol.id()), rule.left.get(4), "a dissolved group's members");
    }

    @Test
    void aRuleThatAllowsReplacesTheCorePolicyAndAnyDenyWins() {
        long g = team(bob, carol);
        RecordingRule membersRemove = new RecordingRule(
                a -> a.type() == GroupAction.Type.REMOVE ? Decision.ALLOW : Decision.ABSTAIN);
        directory.addRule(membersRemove);
        directory.remove(bob, g, names(carol));
        assertEquals(List.of("alice", "bob"), members(g));

        directory.addRule(new RecordingRule(
                a -> a.type() == GroupAction.Type.SEND ? Decision.deny("Quiet, please.") : Decision.ABSTAIN));
        directory.addRule(new RecordingRule(a -> Decision.ALLOW));
        ParleyException e = assertStatus(Status.FORBIDDEN, () -> directory.send(alice, g, "hi", "c1"));
        assertEquals("Quiet, please.", e.getMessage());

        directory.removeRule(membersRemove);
        directory.addRule(new RecordingRule(a -> {
            throw new IllegalStateException("broken feature");
        }));
        assertStatus(Status.FORBIDDEN, () -> directory.leave(bob, g));
        assertEquals(List.of("alice", "bob"), members(g), "a rule that fails refuses the action");
    }

    // ---- GroupService for features -----------------------------------------------------------------------

    @Test
    void aFeatureAddsMembersByIdUnderTheSameCap() {
        long g = team(bob, carol);
        directory.addMembers(bob, g, List.of(frank.id(), frank.id()));
        assertEquals(List.of("alice", "bob", "carol", "frank"), members(g),
                "a feature's way in (an approved join) needs no friendship");
        assertEquals(GroupEvent.of("added", List.of("frank")), lastEvent());
        assertStatus(Status.FORBIDDEN, () -> directory.addMembers(alice, g, List.of(dave.id())));
        assertStatus(Status.CONFLICT, () -> directory.addMembers(alice, g, List.of(bob.id())));
        assertStatus(Status.NOT_FOUND, () -> directory.addMembers(alice, g, List.of(404L)));
        assertStatus(Status.NOT_FOUND, () -> directory.addMembers(alice, 999, List.of(dave.id())));
    }

    @Test
    void ownershipMovesOnlyToAMember() {
        long g = team(bob);
        assertStatus(Status.NOT_FOUND, () -> directory.transferOwnership(alice, g, carol.id()));
        directory.transferOwnership(alice, g, bob.id());
        assertEquals("bob", directory.info(alice, g, null).owner());
        assertEquals(new GroupEvent("owner", null, List.of("bob"), "bob"), lastEvent());
        assertStatus(Status.FORBIDDEN, () -> directory.dissolve(alice, g));
        directory.remove(bob, g, names(alice));
        assertEquals(List.of("bob"), members(g));
    }

    @Test
    void theGroupListShowsTheUsersGroupsInIdOrderWithTheirRole() {
        long first = team(bob);
        long second = directory.create(bob, "bob's", names(alice));
        long third = team(carol);
        assertEquals(List.of(new GroupList.Entry(first, "team", "owner"),
                new GroupList.Entry(second, "bob's", "member"), new GroupList.Entry(third, "team", "owner")),
                directory.list(alice.id(), null).groups());
        assertEquals(List.of(new GroupList.Entry(third, "team", "owner")), directory.list(alice.id(), second).groups());
        assertEquals(List.of(first, second), directory.list(bob.id(), null).groups().stream()
                .map(GroupList.Entry::groupId).toList());
    }
}
