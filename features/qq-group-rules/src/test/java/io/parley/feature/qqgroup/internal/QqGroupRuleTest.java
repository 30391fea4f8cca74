package io.parley.feature.qqgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.account.UserRef;
import io.parley.api.group.Decision;
import io.parley.api.group.Decision.Verdict;
import io.parley.api.group.GroupAction;
import io.parley.api.group.GroupAction.Type;
import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupView;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QqGroupRuleTest {

    private static final long HOUR = 3_600_000;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final MemoryStores stores = new MemoryStores();
    private final QqGroups qq = new QqGroups(Configs.of(QqConfiguration.class, Map.of("defaultMaxMembers", 6)),
            stores.attributes());
    private final QqGroupRule rule = new QqGroupRule(qq, now::get);

    private final UserRef owner = user("olga");
    private final UserRef admin = user("adam");
    private final UserRef member = user("mia");
    private final UserRef other = user("max");
    private final UserRef outsider = user("otto");

    /** A QQ group of olga (owner), adam (made admin), mia and max; otto is not in it. */
    private final long g = stores.groups().create("qq", owner.id(),
            List.of(owner.id(), admin.id(), member.id(), other.id()), now.get());

    QqGroupRuleTest() {
        qq.setAdmin(g, admin.id(), true);
    }

    private UserRef user(String username) {
        return new UserRef(stores.account(username), username);
    }

    private GroupView group() {
        return stores.groups().find(g).orElseThrow();
    }

    private Verdict check(Type type, UserRef actor, UserRef... targets) {
        return rule.check(new GroupAction(type, actor, group(), List.of(targets))).verdict();
    }

    /** The roles GROUP_INFO shows: the core's owner and members, as the rule adjusts them. */
    private Map<String, String> roles() {
        GroupView view = group();
        Map<Long, String> byId = new LinkedHashMap<>();
        view.memberIds().forEach(id -> byId.put(id, id == view.ownerId() ? "owner" : "member"));
        rule.roles(view, byId);
        Map<String, String> byName = new LinkedHashMap<>();
        for (GroupMember m : view.members()) {
            byName.put(m.username(), byId.get(m.userId()));
        }
        return byName;
    }

    /** What GroupDirectory does when members are removed or leave: the store first, then the rules hear it. */
    private void removeFromGroup(UserRef... users) {
        GroupView before = group();
        List<Long> ids = List.of(users).stream().map(UserRef::id).toList();
        stores.groups().removeMembers(g, ids);
        rule.membersLeft(before, ids);
    }

    private void addToGroup(UserRef... users) {
        stores.groups().addMembers(g, List.of(users).stream().map(UserRef::id).toList(), now.get());
    }

    // ---- roles -------------------------------------------------------------------------------------------

    @Test
    void theOwnersAdminsShowAsAdmins() {
        assertEquals(Map.of("olga", "owner", "adam", "admin", "mia", "member", "max", "member"), roles());
        qq.setAdmin(g, admin.id(), false);
        assertEquals("member", roles().get("adam"));
    }

    @Test
    void theOwnerStaysOwnerAndANonMemberIsNoAdmin() {
        qq.setAdmin(g, owner.id(), true);
        qq.setAdmin(g, outsider.id(), true);
        Map<String, String> roles = roles();
        assertEquals("owner", roles.get("olga"));
        assertEquals(4, roles.size(), "a role kept for a non-member adds no member");
        assertEquals(Verdict.DENY, check(Type.REMOVE, outsider, member), "nor lets him act as an admin");
    }

    @Test
    void anAdminRemovesPlainMembersButNotTheOwnerOrAnotherAdmin() {
        qq.setAdmin(g, other.id(), true);
        assertEquals(Verdict.ALLOW, check(Type.REMOVE, admin, member));
        assertEquals(Verdict.DENY, check(Type.REMOVE, admin, member, other), "max is an admin too");
        assertEquals(Verdict.DENY, check(Type.REMOVE, admin, owner));
        assertEquals(Verdict.DENY, check(Type.REMOVE, member, other), "plain members remove nobody");
        assertEquals(Verdict.ALLOW, check(Type.REMOVE, owner, admin, other), "the owner removes anyone");
    }

    @Test
    void onlyTheOwnerDissolvesAndChangesSettings() {
        assertEquals(Verdict.ALLOW, check(Type.DISSOLVE, owner));
        assertEquals(Verdict.DENY, check(Type.DISSOLVE, admin));
        assertEquals(Verdict.ALLOW, check(Type.SETTINGS, owner));
        assertEquals(Verdict.DENY, check(Type.SETTINGS, admin));
        assertEquals(Verdict.ABSTAIN, check(Type.LEAVE, owner), "leaving is the core's: anyone may");
    }

    // ---- muting ------------------------------------------------------------------------------------------

    @Test
    void aMutedMemberIsSilentUntilTheMuteEnds() {
        qq.mute(g, member.id(), now.get() + HOUR);
        Decision refused = rule.check(new GroupAction(Type.SEND, member, group(), List.of()));
        assertEquals(Verdict.DENY, refused.verdict());
        assertTrue(refused.reason().contains("muted"), refused.reason());
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, other), "only mia is muted");
        now.addAndGet(HOUR - 1);
        assertEquals(Verdict.DENY, check(Type.SEND, member));
        now.addAndGet(1);
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, member), "the mute ended");
    }

    @Test
    void aLiftedMuteLetsTheMemberSpeakAtOnce() {
        qq.mute(g, member.id(), now.get() + HOUR);
        qq.unmute(g, member.id());
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, member));
    }

    @Test
    void muteAllLeavesOnlyTheOwnerAndAdminsSpeaking() {
        qq.muteAll(g, true);
        assertEquals(Verdict.DENY, check(Type.SEND, member));
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, admin));
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, owner));
        qq.muteAll(g, false);
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, member));
    }

    // ---- getting in --------------------------------------------------------------------------------------

    @Test
    void theJoinModeDecidesWhoGetsIn() {
        assertEquals(JoinMode.APPROVAL, qq.state(g).joinMode(), "the configured default");
        assertEquals(Verdict.ALLOW, check(Type.JOIN, outsider, outsider), "a request may be filed");
        assertEquals(Verdict.ALLOW, check(Type.ADD, member, outsider), "members add people");

        qq.joinMode(g, JoinMode.INVITE);
        assertEquals(Verdict.DENY, check(Type.JOIN, outsider, outsider));
        assertEquals(Verdict.DENY, check(Type.ADD, member, outsider));
        assertEquals(Verdict.ALLOW, check(Type.ADD, admin, outsider));

        qq.joinMode(g, JoinMode.CLOSED);
        assertEquals(Verdict.DENY, check(Type.ADD, owner, outsider));
        assertEquals(Verdict.DENY, check(Type.JOIN, outsider, outsider));

        qq.joinMode(g, JoinMode.OPEN);
        assertEquals(Verdict.ALLOW, check(Type.JOIN, outsider, outsider));
        assertEquals(Verdict.ALLOW, check(Type.ADD, member, outsider));
    }

    @Test
    void theGroupsOwnCapHoldsForAddAndJoinAndTheDefaultCapForCreate() {
        UserRef fifth = user("fifth");
        UserRef sixth = user("sixth");
        assertEquals(Verdict.DENY, check(Type.ADD, owner, outsider, fifth, sixth), "4 + 3 > the default 6");
        assertEquals(Verdict.ALLOW, check(Type.ADD, owner, outsider, fifth));
        qq.maxMembers(g, 5);
        assertEquals(Verdict.DENY, check(Type.ADD, owner, outsider, fifth));
        assertEquals(Verdict.ALLOW, check(Type.JOIN, outsider, outsider));
        addToGroup(outsider);
        assertEquals(Verdict.DENY, check(Type.JOIN, fifth, fifth), "the group is full");

        List<GroupMember> seven = List.of(owner, admin, member, other, outsider, fifth, sixth).stream()
                .map(u -> new GroupMember(u.id(), u.username(), now.get())).toList();
        assertEquals(Verdict.DENY, rule.check(new GroupAction(Type.CREATE, owner, new GroupView(0, "big", owner.id(),
                seven), List.of())).verdict());
        assertEquals(Verdict.ALLOW, rule.check(new GroupAction(Type.CREATE, owner, new GroupView(0, "ok", owner.id(),
                seven.subList(0, 6)), List.of())).verdict());
    }

    @Test
    void aJoinRequestWaitsWithItsNoteUntilDecided() {
        qq.addJoinRequest(g, outsider.id(), "let me in");
        assertEquals(Map.of(outsider.id(), "let me in"), qq.state(g).joinRequests());
        qq.removeJoinRequest(g, outsider.id());
        assertEquals(Map.of(), qq.state(g).joinRequests());
    }

    @Test
    void settingsShowTheGroupsOwnValuesOrTheConfiguredDefaults() {
        Map<String, Object> settings = new LinkedHashMap<>();
        rule.describe(group(), settings);
        assertEquals(Map.of("joinMode", "approval", "maxMembers", 6, "muteAll", false), settings);
        qq.joinMode(g, JoinMode.INVITE);
        qq.maxMembers(g, 20);
        qq.muteAll(g, true);
        settings.clear();
        rule.describe(group(), settings);
        assertEquals(Map.of("joinMode", "invite", "maxMembers", 20, "muteAll", true), settings);
    }

    // ---- what ends with membership -----------------------------------------------------------------------

    @Test
    void aRemovedAdminIsAPlainMemberWhenAddedAgain() {
        removeFromGroup(admin);
        addToGroup(admin);
        assertEquals("member", roles().get("adam"));
        assertEquals(Verdict.DENY, check(Type.REMOVE, admin, member), "no admin rights came back");
    }

    @Test
    void aMuteEndsWhenTheMemberLeavesAndDoesNotComeBackWithThem() {
        qq.mute(g, member.id(), now.get() + HOUR);
        removeFromGroup(member);
        addToGroup(member);
        assertEquals(Verdict.ABSTAIN, check(Type.SEND, member), "back within the hour, and free to speak");
    }

    @Test
    void aPendingJoinRequestEndsWhenItsAuthorStopsBeingAMember() {
        // A member may add someone whose own request is still pending (approval mode lets members add).
        qq.addJoinRequest(g, outsider.id(), "let me in");
        addToGroup(outsider);
        removeFromGroup(outsider);
        assertEquals(Map.of(), qq.state(g).joinRequests());
        addToGroup(outsider);
        assertEquals(Map.of(), qq.state(g).joinRequests(), "not back when added again");
    }

    @Test
    void forgettingMembersKeepsTheOthersAndTheGroupsSettings() {
        qq.setAdmin(g, other.id(), true);
        qq.mute(g, member.id(), now.get() + HOUR);
        qq.joinMode(g, JoinMode.INVITE);
        qq.muteAll(g, true);
        qq.maxMembers(g, 9);
        removeFromGroup(admin);
        QqState s = qq.state(g);
        assertEquals(Set.of(other.id()), s.admins(), "max is still an admin");
        assertEquals(Map.of(member.id(), now.get() + HOUR), s.mutedUntil(), "mia is still muted");
        assertEquals(JoinMode.INVITE, s.joinMode());
        assertTrue(s.muteAll());
        assertEquals(9, s.maxMembers());
    }

    @Test
    void aDissolvedGroupKeepsNothingOfItsMembers() {
        qq.mute(g, member.id(), now.get() + HOUR);
        GroupView before = group();
        stores.groups().dissolve(g);
        rule.membersLeft(before, before.memberIds());
        QqState s = qq.state(g);
        assertEquals(Set.of(), s.admins());
        assertEquals(Map.of(), s.mutedUntil());
    }
}
