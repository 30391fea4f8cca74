package io.parley.friends.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.friend.FriendAddResponse;
import io.parley.api.friend.FriendEvent;
import io.parley.api.friend.FriendList;
import io.parley.api.friend.Presence;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.MemoryStores;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FriendBookTest {

    private record Pushed(long userId, int type, Object body) {
    }

    /** Records pushes; a user's notice reaches one device while the user is in {@code online}, else none. */
    private static final class RecordingPush implements PushService {
        final Set<Long> online = new HashSet<>();
        final List<Pushed> pushes = new ArrayList<>();

        @Override
        public int push(long userId, int type, Object body) {
            pushes.add(new Pushed(userId, type, body));
            return online.contains(userId) ? 1 : 0;
        }

        @Override
        public Set<String> devices(long userId) {
            return online.contains(userId) ? Set.of("pc") : Set.of();
        }

        @Override
        public int kick(long userId, String exceptDevice, String reason) {
            return 0;
        }

        List<Object> to(long userId) {
            return pushes.stream().filter(p -> p.userId() == userId).map(Pushed::body).toList();
        }

        List<Object> to(long userId, int type) {
            return pushes.stream().filter(p -> p.userId() == userId && p.type() == type).map(Pushed::body).toList();
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemoryStores stores = new MemoryStores();
    private final RecordingPush push = new RecordingPush();
    private final FriendBook book = new FriendBook(stores.friends(), stores.accountService(), push,
            push.online::contains, now::get);

    private final Session alice = session(stores.account("alice"), "alice", "pc");
    private final Session bob = session(stores.account("bob"), "bob", "ios");
    private final Session carol = session(stores.account("carol"), "carol", "pc");

    private static Session session(long userId, String username, String device) {
        return new Session(userId, username, device, "token-" + username + "-" + device);
    }

    private static ParleyException assertStatus(Status status, Executable action) {
        ParleyException e = assertThrows(ParleyException.class, action);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    private static void assertStatus(Status status, Executable action, String message) {
        ParleyException e = assertThrows(ParleyException.class, action, message);
        assertEquals(status, e.status(), message + ": " + e.getMessage());
    }

    private void befriend(Session a, Session b) {
        book.add(a, b.username(), null);
        book.accept(b, a.username());
        push.pushes.clear();
    }

    @Test
    void aDeletedUsersFriendshipsAndRequestsGoAndEachFriendIsTold() {
        book.add(alice, "bob", null);
        book.accept(bob, "alice");
        book.add(carol, "alice", "hi");
        Session dave = session(stores.account("dave"), "dave", "pc");
        book.add(alice, "dave", null);
        push.pushes.clear();
        assertEquals(3, book.forget(alice.user()));
        assertFalse(book.areFriends(alice.userId(), bob.userId()));
        assertTrue(stores.friends().incoming(alice.userId()).isEmpty());
        assertTrue(stores.friends().outgoing(alice.userId()).isEmpty());
        assertTrue(stores.friends().incoming(dave.userId()).isEmpty());
        assertEquals(List.of(new FriendEvent(FriendEvent.REMOVED, "alice", null)), push.to(bob.userId(), Types.FRIEND_EVENT));
        assertTrue(push.to(carol.userId()).isEmpty() && push.to(dave.userId()).isEmpty(), "requests go without a word");
        assertEquals(0, book.forget(alice.user()));
        assertEquals("friends", book.name());
    }

    @Test
    void aRequestWaitsForTheOtherUserAndReachesTheirOnlineDevice() {
        push.online.add(bob.userId());
        assertEquals(FriendAddResponse.PENDING, book.add(alice, "bob", "hi, it's alice").status());
        assertFalse(book.areFriends(alice.userId(), bob.userId()));
        assertEquals(List.of(new FriendEvent(FriendEvent.REQUEST, "alice", "hi, it's alice")),
                push.to(bob.userId(), Types.FRIEND_EVENT));
        assertTrue(stores.friends().request(alice.userId(), bob.userId()).orElseThrow().notified(),
                "a request that reached a device is not shown again at the next login");
        assertEquals(List.of(new FriendList.Incoming("alice", "hi, it's alice")),
                book.list(bob.userId(), null).incoming());
        assertEquals(List.of("bob"), book.list(alice.userId(), null).outgoing());
    }

    @Test
    void aRequestToAnOfflineUserIsShownOnceWhenTheyLogIn() {
        book.add(alice, "bob", "hello");
        assertFalse(stores.friends().request(alice.userId(), bob.userId()).orElseThrow().notified());
        push.pushes.clear();

        push.online.add(bob.userId());
        book.sessionOpened(bob, true);
        assertEquals(List.of(new FriendEvent(FriendEvent.REQUEST, "alice", "hello")),
                push.to(bob.userId(), Types.FRIEND_EVENT));
        book.sessionOpened(new Session(bob.userId(), "bob", "pc", "token-bob-pc"), false);
        assertEquals(1, push.to(bob.userId(), Types.FRIEND_EVENT).size(), "not again on the next device");
    }

    @Test
    void askingTwiceKeepsTheFirstRequestAndNotifiesOnce() {
        push.online.add(bob.userId());
        book.add(alice, "bob", "first");
        assertEquals(FriendAddResponse.PENDING, book.add(alice, "bob", "second").status());
        assertEquals(1, push.to(bob.userId()).size());
        assertEquals("first", stores.friends().request(alice.userId(), bob.userId()).orElseThrow().note());
    }

    @Test
    void askingBackIsAccepting() {
        push.online.add(alice.userId());
        book.add(alice, "bob", null);
        assertEquals(FriendAddResponse.FRIENDS, book.add(bob, "alice", "me too").status());
        assertTrue(book.areFriends(alice.userId(), bob.userId()));
        assertTrue(book.areFriends(bob.userId(), alice.userId()));
        assertTrue(stores.friends().request(alice.userId(), bob.userId()).isEmpty(), "no request is left pending");
        assertTrue(stores.friends().request(bob.userId(), alice.userId()).isEmpty());
        assertEquals(List.of(new FriendEvent(FriendEvent.ACCEPTED, "bob", null)),
                push.to(alice.userId(), Types.FRIEND_EVENT));
    }

    @Test
    void acceptingNeedsTheOthersRequest() {
        assertStatus(Status.NOT_FOUND, () -> book.accept(bob, "alice"));
        book.add(bob, "alice", null);
        assertStatus(Status.NOT_FOUND, () -> book.accept(bob, "alice"), "one's own request is not theirs to accept");
        book.accept(alice, "bob");
        assertTrue(book.areFriends(alice.userId(), bob.userId()));
        assertEquals(List.of(new FriendEvent(FriendEvent.ACCEPTED, "alice", null)),
                push.to(bob.userId(), Types.FRIEND_EVENT));
        assertTrue(book.list(alice.userId(), null).incoming().isEmpty(), "an accepted request is gone");
        assertTrue(book.list(bob.userId(), null).outgoing().isEmpty());
    }

    @Test
    void newFriendsWhoAreBothOnlineSeeEachOthersPresence() {
        push.online.add(alice.userId());
        push.online.add(bob.userId());
        book.add(alice, "bob", null);
        push.pushes.clear();
        book.accept(bob, "alice");
        assertEquals(List.of(new Presence("alice", true, null)), push.to(bob.userId(), Types.PRESENCE));
        assertEquals(List.of(new Presence("bob", true, "ios")), push.to(alice.userId(), Types.PRESENCE),
                "the acceptor's device");
    }

    @Test
    void befriendingAnOfflineUserSendsNoPresence() {
        push.online.add(bob.userId());
        book.add(alice, "bob", null);
        book.accept(bob, "alice");
        assertTrue(push.to(bob.userId(), Types.PRESENCE).isEmpty());
        assertTrue(push.to(alice.userId(), Types.PRESENCE).isEmpty());
    }

    @Test
    void rejectingTellsTheAskerAndLetsThemAskAgain() {
        push.online.add(alice.userId());
        push.online.add(bob.userId());
        book.add(alice, "bob", "please");
        book.reject(bob, "alice");
        assertEquals(List.of(new FriendEvent(FriendEvent.REJECTED, "bob", null)),
                push.to(alice.userId(), Types.FRIEND_EVENT));
        assertFalse(book.areFriends(alice.userId(), bob.userId()));
        assertTrue(book.list(bob.userId(), null).incoming().isEmpty());
        assertStatus(Status.NOT_FOUND, () -> book.reject(bob, "alice"));
        assertStatus(Status.NOT_FOUND, () -> book.accept(bob, "alice"));

        assertEquals(FriendAddResponse.PENDING, book.add(alice, "bob", "again").status());
        assertEquals(2, push.to(bob.userId(), Types.FRIEND_EVENT).size(), "the new request is notified");
    }

    @Test
    void removingEndsTheFriendshipForBoth() {
        befriend(alice, bob);
        book.remove(alice, "BOB");
        assertFalse(book.areFriends(alice.userId(), bob.userId()));
        assertFalse(book.areFriends(bob.userId(), alice.userId()));
        assertEquals(List.of(new FriendEvent(FriendEvent.REMOVED, "alice", null)),
                push.to(bob.userId(), Types.FRIEND_EVENT));
        assertStatus(Status.NOT_FOUND, () -> book.remove(bob, "alice"));
        assertStatus(Status.NOT_FOUND, () -> book.remove(alice, "carol"));
    }

    @Test
    void askingAFriendAgainIsAConflict() {
        befriend(alice, bob);
        assertStatus(Status.CONFLICT, () -> book.add(alice, "bob", null));
        assertStatus(Status.CONFLICT, () -> book.add(bob, "Alice", null));
        assertTrue(push.pushes.isEmpty());
    }

    @Test
    void unknownUsersAndOneselfAreRefusedWhateverTheCase() {
        assertStatus(Status.NOT_FOUND, () -> book.add(alice, "nobody", null));
        assertStatus(Status.BAD_REQUEST, () -> book.add(alice, "ALICE", null));
        assertStatus(Status.NOT_FOUND, () -> book.accept(alice, "nobody"));
        assertStatus(Status.BAD_REQUEST, () -> book.remove(alice, "alice"));
        assertEquals(FriendAddResponse.PENDING, book.add(alice, "Bob", null).status(), "usernames ignore case");
        assertTrue(push.pushes.stream().allMatch(p -> p.userId() == bob.userId()), "nobody else was told anything");
    }

    @Test
    void aNoteIsAtMost256Utf16Units() {
        book.add(alice, "bob", "n".repeat(256));
        book.add(alice, "carol", "😀".repeat(128));
        assertStatus(Status.BAD_REQUEST, () -> book.add(bob, "carol", "n".repeat(257)));
        assertStatus(Status.BAD_REQUEST, () -> book.add(bob, "carol", "😀".repeat(128) + "n"),
                "an emoji counts as two");
        assertTrue(stores.friends().request(bob.userId(), carol.userId()).isEmpty(), "a refused note asks nothing");
    }

    @Test
    void presenceGoesToFriendsWhenTheFirstDeviceComesAndTheLastGoes() {
        befriend(alice, bob);
        Session alicePhone = new Session(alice.userId(), "alice", "ios", "token-alice-ios");
        book.sessionOpened(alice, true);
        assertEquals(List.of(new Presence("alice", true, "pc")), push.to(bob.userId()));
        book.sessionOpened(alicePhone, false);
        book.sessionClosed(alicePhone, false);
        assertEquals(1, push.to(bob.userId()).size(), "a second device coming and going changes nothing");
        book.sessionClosed(alice, true);
        assertEquals(List.of(new Presence("alice", true, "pc"), new Presence("alice", false, "pc")),
                push.to(bob.userId()));
        assertTrue(push.to(carol.userId()).isEmpty(), "strangers do not learn who is online");
    }

    @Test
    void theListShowsFriendsAndRequestsInUsernameOrderWithPresenceAndPagesAfterAName() {
        Session dave = session(stores.account("Dave"), "Dave", "pc");
        Session erin = session(stores.account("erin"), "erin", "pc");
        befriend(carol, alice);
        befriend(dave, alice);
        book.add(bob, "alice", "hi");
        book.add(alice, "erin", null);
        push.online.add(dave.userId());

        FriendList all = book.list(alice.userId(), null);
        assertEquals(List.of(new FriendList.Friend("carol", "carol", false),
                new FriendList.Friend("Dave", "Dave", true)), all.friends(), "case-insensitive order, with presence");
        assertEquals(List.of(new FriendList.Incoming("bob", "hi")), all.incoming());
        assertEquals(List.of("erin"), all.outgoing());

        FriendList page = book.list(alice.userId(), "CAROL");
        assertEquals(List.of(new FriendList.Friend("Dave", "Dave", true)), page.friends(), "after a name, any case");
        assertTrue(page.incoming().isEmpty());
        assertEquals(List.of("erin"), page.outgoing());
        assertEquals(0, book.list(alice.userId(), "erin").items(), "nothing after the last name");
        assertTrue(book.friendIds(erin.userId()).isEmpty(), "erin is asked, not a friend yet");
    }

    @Test
    void otherBundlesSeeFriendshipAsIdsBothWays() {
        befriend(alice, bob);
        befriend(carol, alice);
        assertEquals(Set.of(bob.userId(), carol.userId()), Set.copyOf(book.friendIds(alice.userId())));
        assertEquals(List.of(alice.userId()), book.friendIds(bob.userId()));
        assertTrue(book.areFriends(carol.userId(), alice.userId()));
        assertFalse(book.areFriends(bob.userId(), carol.userId()));
    }
}
