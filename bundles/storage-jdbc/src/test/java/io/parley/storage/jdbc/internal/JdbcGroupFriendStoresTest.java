package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupView;
import io.parley.api.store.FriendStore;
import io.parley.api.store.GroupStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The friend, group and attribute stores, on every backend. */
class JdbcGroupFriendStoresTest {

    @TempDir
    Path dir;

    private TestDatabases.Opened opened;
    private long a;
    private long b;
    private long c;

    private void open(String backend) {
        opened = TestDatabases.open(backend, dir);
        JdbcAccountStore accounts = new JdbcAccountStore(opened.db());
        a = accounts.create("ann", "h", "Ann 😀", 1).orElseThrow();
        b = accounts.create("ben", "h", "Ben", 1).orElseThrow();
        c = accounts.create("cat", "h", "Cat", 1).orElseThrow();
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void friendRequestsAndFriendships(String backend) {
        open(backend);
        JdbcFriendStore friends = new JdbcFriendStore(opened.db());
        assertTrue(friends.addRequest(a, b, "it's me; DROP TABLE friend_requests; --", 5));
        assertFalse(friends.addRequest(a, b, "again", 6));
        FriendStore.Pending p = friends.request(a, b).orElseThrow();
        assertEquals("ann", p.fromName());
        assertEquals("it's me; DROP TABLE friend_requests; --", p.note());
        assertFalse(p.notified());
        friends.markNotified(a, b);
        assertTrue(friends.incoming(b).get(0).notified());
        assertEquals(List.of("ben"), friends.outgoing(a).stream().map(FriendStore.Pending::toName).toList());
        friends.makeFriends(a, b, 7);
        assertTrue(friends.areFriends(a, b) && friends.areFriends(b, a));
        assertTrue(friends.incoming(b).isEmpty(), "the request is gone");
        assertEquals(List.of(new FriendStore.Named(a, "ann", "Ann 😀")), friends.friends(b));
        assertTrue(friends.removeFriends(b, a));
        assertFalse(friends.areFriends(a, b));
        assertFalse(friends.removeFriends(b, a));
        assertFalse(friends.removeRequest(c, a));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void theOperatorsListingPagesLiveGroupsByIdWithTheirSize(String backend) {
        open(backend);
        JdbcGroupStore groups = new JdbcGroupStore(opened.db());
        long first = groups.create("one", a, List.of(a, b), 10);
        long second = groups.create("two", b, List.of(b), 11);
        long third = groups.create("three", c, List.of(c, a, b), 12);
        groups.dissolve(second);
        assertEquals(List.of(new GroupStore.Listed(first, "one", a, 2), new GroupStore.Listed(third, "three", c, 3)),
                groups.list(0, 10));
        assertEquals(List.of(new GroupStore.Listed(first, "one", a, 2)), groups.list(0, 1));
        assertEquals(List.of(new GroupStore.Listed(third, "three", c, 3)), groups.list(first, 10));
        assertEquals(List.of(), groups.list(third, 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void aDeletedAccountIsGoneAndItsNameNeverGivenAgain(String backend) {
        open(backend);
        JdbcAccountStore accounts = new JdbcAccountStore(opened.db());
        accounts.setBan(b, "spam", 3);
        assertTrue(accounts.delete(b));
        assertFalse(accounts.delete(b), "deleted once");
        assertTrue(accounts.findById(b).isEmpty());
        assertTrue(accounts.findByUsername("ben").isEmpty());
        assertTrue(accounts.credentials("ben").isEmpty());
        assertTrue(accounts.create("ben", "h2", "Ben again", 4).isEmpty(), "the name is retired");
        assertTrue(accounts.create("BEN", "h2", "Ben again", 4).isEmpty(), "in any case");
        assertTrue(accounts.ban(b).isEmpty(), "the ban went with the account");
        assertEquals(a, accounts.findByUsername("ann").orElseThrow().id(), "the others stay");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void groupsKeepMembersOldestFirstAndDissolve(String backend) {
        open(backend);
        JdbcGroupStore groups = new JdbcGroupStore(opened.db());
        long id = groups.create("club 😀", a, List.of(a, b), 10);
        groups.addMembers(id, List.of(c), 20);
        GroupView g = groups.find(id).orElseThrow();
        assertEquals("club 😀", g.name());
        assertEquals(a, g.ownerId());
        assertEquals(List.of(new GroupMember(a, "ann", 10), new GroupMember(b, "ben", 10), new GroupMember(c, "cat", 20)),
                g.members());
        groups.removeMembers(id, List.of(b));
        groups.setOwner(id, c);
        assertEquals(c, groups.find(id).orElseThrow().ownerId());
        assertEquals(List.of(id), groups.groupsOf(c).stream().map(GroupView::groupId).toList());
        assertTrue(groups.groupsOf(b).isEmpty());
        groups.dissolve(id);
        assertTrue(groups.find(id).isEmpty());
        assertTrue(groups.groupsOf(a).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void attributesArePerNamespaceGroupAndMember(String backend) {
        open(backend);
        JdbcAttributeStore attributes = new JdbcAttributeStore(opened.db());
        attributes.put("qq", 1, 0, "joinMode", "open");
        attributes.put("qq", 1, b, "role", "admin");
        attributes.put("qq", 1, b, "role", "member");
        attributes.put("other", 1, b, "role", "x");
        assertEquals("member", attributes.get("qq", 1, b, "role").orElseThrow());
        assertEquals(Map.of(0L, Map.of("joinMode", "open"), b, Map.of("role", "member")), attributes.all("qq", 1));
        attributes.remove("qq", 1, b, "role");
        assertTrue(attributes.get("qq", 1, b, "role").isEmpty());
        assertEquals("x", attributes.get("other", 1, b, "role").orElseThrow());
    }
}
