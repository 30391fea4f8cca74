package io.parley.accounts.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.UserData;
import io.parley.api.message.InboxPosition;
import io.parley.api.message.InboxService;
import io.parley.protocol.Status;
import io.parley.testkit.Components;
import io.parley.testkit.MemoryStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AccountDirectoryTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemoryStores stores = new MemoryStores();
    private final AccountDirectory directory = new AccountDirectory(stores.accounts(), stores.tokens(), 4096,
            Duration.ofHours(1), 3, 5, Duration.ofMinutes(5), 4, Duration.ofHours(1), now::get);

    @AfterEach
    void stop() {
        directory.deactivate();
    }

    private static ParleyException assertStatus(Status status, Executable action) {
        ParleyException e = assertThrows(ParleyException.class, action);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    @Test
    void deletingAUserBansFirstThenForgetsEverywhereErasesAndRetiresTheName() {
        long id = directory.register("gone", "password1", null, "10.0.0.1");
        String token = directory.login("gone", "password1", "pc", "10.0.0.1").token();
        assertEquals(id, directory.findUser("gone").orElseThrow().id(), "remembered before the deletion");
        List<String> order = new ArrayList<>();
        Components.bind(directory, new InboxService() {
            @Override
            public InboxPosition position(long userId, String device) {
                return InboxPosition.EMPTY;
            }

            @Override
            public long erase(long userId) {
                order.add("erase");
                return 5;
            }
        });
        directory.userData = List.of(new UserData() {
            @Override
            public String name() {
                return "friends";
            }

            @Override
            public long forget(io.parley.api.account.UserRef user) {
                assertTrue(stores.accounts().ban(user.id()).isPresent(), "no login slips in meanwhile");
                order.add("friends:" + user.username());
                return 2;
            }
        });
        AccountDirectory.Deleted d = directory.delete("GONE").orElseThrow();
        assertEquals(new AccountDirectory.Deleted("gone", id, Map.of("friends", 2L), 5, 1, 0), d);
        assertEquals(List.of("friends:gone", "erase"), order);
        assertTrue(directory.findUser("gone").isEmpty(), "forgotten by this node too");
        assertTrue(stores.accounts().findById(id).isEmpty());
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume(token, "pc"));
        assertStatus(Status.UNAUTHENTICATED, () -> directory.login("gone", "password1", "pc", "10.0.0.1"));
        assertStatus(Status.CONFLICT, () -> directory.register("gone", "password1", null, "10.0.0.2"));
        assertTrue(directory.delete("gone").isEmpty());
    }

    @Test
    void withoutTheMessagingBundleDeletingChangesNothing() {
        long id = directory.register("stays", "password1", null, "10.0.0.1");
        assertStatus(Status.UNAVAILABLE, () -> directory.delete("stays"));
        assertTrue(stores.accounts().findById(id).isPresent());
        assertTrue(stores.accounts().ban(id).isEmpty());
    }

    @Test
    void registersAndLogsIn() {
        long id = directory.register("alice", "password1", null, "10.0.0.1");
        AccountDirectory.Login login = directory.login("Alice", "password1", "pc", "10.0.0.1");
        assertEquals(id, login.session().userId());
        assertEquals("alice", login.session().username());
        assertEquals("alice", directory.findById(id).orElseThrow().nickname(), "nickname defaults to the username");
        assertEquals(22, login.token().length(), "128 bits, base64url");
        assertTrue(stores.tokens().find(login.token()).isEmpty(), "only a hash of the token is stored");
        assertTrue(stores.tokens().find(login.session().tokenId()).isPresent());
        assertFalse(stores.accounts().credentials("alice").orElseThrow().passwordHash().contains("password1"));
    }

    @Test
    void newAccountsAreLimitedPerAddressUntilTheWindowPasses() {
        for (int i = 0; i < 4; i++) {
            directory.register("user" + i, "password1", null, "10.0.0.9");
        }
        ParleyException e = assertStatus(Status.RATE_LIMITED, () -> directory.register("user4", "password1", null, "10.0.0.9"));
        assertTrue(e.retryAfterMs() > 0);
        assertTrue(stores.accounts().findByUsername("user4").isEmpty(), "a refused registration creates nothing");
        directory.register("other", "password1", null, "10.0.0.10");
        assertStatus(Status.CONFLICT, () -> directory.register("other", "password1", null, "10.0.0.11"));
        now.addAndGet(Duration.ofHours(1).toMillis());
        directory.register("user4", "password1", null, "10.0.0.9");
    }

    @Test
    void findUserAnswersTheIdentityWhateverTheCaseAndLearnsNewNames() {
        assertTrue(directory.findUser("zoe").isEmpty());
        long id = directory.register("Zoe", "password1", "Zo", "10.0.0.1");
        assertEquals(new io.parley.api.account.UserRef(id, "Zoe"), directory.findUser("zoe").orElseThrow(),
                "a name unknown before is found once registered");
        directory.updateProfile(id, "Zoë", null, null);
        assertEquals(new io.parley.api.account.UserRef(id, "Zoe"), directory.findUser("ZOE").orElseThrow());
        assertEquals("Zoë", directory.findByUsername("zoe").orElseThrow().nickname(), "profiles are never stale");
    }

    @Test
    void refusesBadRegistrations() {
        directory.register("bob", "password1", "Bob", "10.0.0.1");
        assertStatus(Status.CONFLICT, () -> directory.register("BOB", "password2", null, "10.0.0.1"));
        assertStatus(Status.BAD_REQUEST, () -> directory.register("ab", "password1", null, "10.0.0.1"));
        assertStatus(Status.BAD_REQUEST, () -> directory.register("a".repeat(33), "password1", null, "10.0.0.1"));
        assertStatus(Status.BAD_REQUEST, () -> directory.register("bad name", "password1", null, "10.0.0.1"));
        assertStatus(Status.BAD_REQUEST, () -> directory.register("carol", "short", null, "10.0.0.1"));
        assertStatus(Status.BAD_REQUEST, () -> directory.register("carol", "password1", "n".repeat(65), "10.0.0.1"));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        directory.register("dave", "password1", null, "10.0.0.1");
        ParleyException wrong = assertStatus(Status.UNAUTHENTICATED, () -> directory.login("dave", "nope12345", "pc", "a"));
        ParleyException unknown = assertStatus(Status.UNAUTHENTICATED, () -> directory.login("nobody", "nope12345", "pc", "a"));
        assertEquals(wrong.getMessage(), unknown.getMessage());
    }

    @Test
    void failedLoginsAreRateLimitedPerUsernameUntilTheWindowPasses() {
        directory.register("erin", "password1", null, "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertStatus(Status.UNAUTHENTICATED, () -> directory.login("erin", "wrong-pass", "pc", "addr" + Math.random()));
        }
        ParleyException limited = assertStatus(Status.RATE_LIMITED, () -> directory.login("erin", "password1", "pc", "x"));
        assertTrue(limited.retryAfterMs() > 0 && limited.retryAfterMs() <= Duration.ofMinutes(5).toMillis());
        now.addAndGet(limited.retryAfterMs());
        assertEquals("erin", directory.login("erin", "password1", "pc", "x").session().username());
    }

    @Test
    void failedLoginsAreRateLimitedPerAddressAcrossUsernames() {
        for (int i = 0; i < 5; i++) {
            String user = "user" + i;
            assertStatus(Status.UNAUTHENTICATED, () -> directory.login(user, "wrong-pass", "pc", "6.6.6.6"));
        }
        assertStatus(Status.RATE_LIMITED, () -> directory.login("user9", "wrong-pass", "pc", "6.6.6.6"));
        assertStatus(Status.UNAUTHENTICATED, () -> directory.login("user9", "wrong-pass", "pc", "7.7.7.7"));
    }

    @Test
    void resumeNeedsAValidUnexpiredTokenOfTheSameDevice() {
        directory.register("frank", "password1", null, "10.0.0.1");
        String token = directory.login("frank", "password1", "ios", "a").token();
        assertEquals("frank", directory.resume(token, "ios").session().username());
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume(token, "pc"));
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume("not-a-token", "ios"));
        now.addAndGet(Duration.ofHours(1).toMillis() + 1);
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume(token, "ios"));
    }

    @Test
    void logoutRevokesTheToken() {
        directory.register("gina", "password1", null, "10.0.0.1");
        AccountDirectory.Login login = directory.login("gina", "password1", "pc", "a");
        directory.logout(login.session());
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume(login.token(), "pc"));
    }

    @Test
    void passwordChangeRevokesEveryOtherToken() {
        directory.register("hank", "password1", null, "10.0.0.1");
        AccountDirectory.Login pc = directory.login("hank", "password1", "pc", "a");
        AccountDirectory.Login phone = directory.login("hank", "password1", "ios", "a");
        assertStatus(Status.UNAUTHENTICATED, () -> directory.changePassword(pc.session(), "wrong-old", "password2", "a"));
        assertStatus(Status.BAD_REQUEST, () -> directory.changePassword(pc.session(), "password1", "short", "a"));
        directory.changePassword(pc.session(), "password1", "password2", "a");
        assertEquals("hank", directory.resume(pc.token(), "pc").session().username());
        assertStatus(Status.UNAUTHENTICATED, () -> directory.resume(phone.token(), "ios"));
        assertStatus(Status.UNAUTHENTICATED, () -> directory.login("hank", "password1", "pc", "a"));
        assertNotEquals(pc.token(), directory.login("hank", "password2", "pc", "a").token());
    }

    @Test
    void profileFieldsAreLimited() {
        long id = directory.register("ivy", "password1", null, "10.0.0.1");
        directory.updateProfile(id, null, "😀".repeat(128), null);
        assertEquals("😀".repeat(128), directory.findById(id).orElseThrow().signature());
        assertStatus(Status.BAD_REQUEST, () -> directory.updateProfile(id, null, "😀".repeat(129), null));
        assertStatus(Status.BAD_REQUEST, () -> directory.updateProfile(id, null, "x".repeat(257), null));
        assertStatus(Status.BAD_REQUEST, () -> directory.updateProfile(id, null, null, "x".repeat(513)));
    }

    @Test
    void aRegistrationIsCountedBeforeTheHashEvenWhenItFails() {
        directory.register("taken", "password1", null, "10.0.0.20");
        // Bad input costs nothing and is not counted; a taken name is, like any attempt that reaches the store.
        assertStatus(Status.BAD_REQUEST, () -> directory.register("nick", "password1", "😀".repeat(33), "10.0.0.21"));
        for (int i = 0; i < 4; i++) {
            assertStatus(Status.CONFLICT, () -> directory.register("taken", "password1", null, "10.0.0.21"));
        }
        assertStatus(Status.RATE_LIMITED, () -> directory.register("fresh", "password1", null, "10.0.0.21"));
    }

    @Test
    void passwordChecksArePerUsernameAndAddressWhateverTheirOutcome() {
        AccountDirectory limited = new AccountDirectory(stores.accounts(), stores.tokens(), null, 4096,
                Duration.ofHours(1), 100, 100, Duration.ofMinutes(5), 0, Duration.ofHours(1), 3, 4,
                Duration.ofMinutes(1), now::get);
        try {
            limited.register("kim", "password1", null, "10.0.0.30");
            for (int i = 0; i < 3; i++) {
                limited.login("kim", "password1", "pc", "10.0.0.31");
            }
            ParleyException e = assertStatus(Status.RATE_LIMITED, () -> limited.login("kim", "password1", "pc", "10.0.0.32"));
            assertTrue(e.retryAfterMs() > 0);
            limited.register("lee", "password1", null, "10.0.0.40");
            limited.login("lee", "password1", "pc", "10.0.0.31");
            assertStatus(Status.RATE_LIMITED, () -> limited.login("lee", "password1", "pc", "10.0.0.31"));
            now.addAndGet(Duration.ofMinutes(1).toMillis());
            limited.login("kim", "password1", "pc", "10.0.0.33");
        } finally {
            limited.deactivate();
        }
    }

    @Test
    void concurrentWrongPasswordsGetNoMoreTriesThanTheLimit() throws Exception {
        directory.register("mia", "password1", null, "10.0.0.50");
        int threads = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Status>> results = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String address = "10.1.0." + i;
            results.add(pool.submit(() -> {
                start.await();
                try {
                    directory.login("mia", "wrong-pass", "pc", address);
                    return Status.OK;
                } catch (ParleyException e) {
                    return e.status();
                }
            }));
        }
        start.countDown();
        int wrong = 0;
        for (var r : results) {
            if (r.get() == Status.UNAUTHENTICATED) {
                wrong++;
            }
        }
        pool.shutdown();
        assertEquals(3, wrong, "guesses that reached the hash");
    }

    @Test
    void aRefusedCheckIsNoFailedLoginAndZeroMeansNoLimit() {
        AccountDirectory limited = new AccountDirectory(stores.accounts(), stores.tokens(), null, 4096,
                Duration.ofHours(1), 2, 0, Duration.ofMinutes(5), 0, Duration.ofHours(1), 2, 0,
                Duration.ofMinutes(1), now::get);
        try {
            limited.register("nia", "password1", null, "10.0.0.60");
            limited.login("nia", "password1", "pc", "10.0.0.61");
            limited.login("nia", "password1", "pc", "10.0.0.61");
            for (int i = 0; i < 5; i++) {
                ParleyException e = assertStatus(Status.RATE_LIMITED, () -> limited.login("nia", "password1", "pc", "10.0.0.61"));
                assertTrue(e.getMessage().contains("password checks"), e.getMessage());
            }
            now.addAndGet(Duration.ofMinutes(1).toMillis());
            limited.login("nia", "password1", "pc", "10.0.0.61"); // not locked out by the refusals above
        } finally {
            limited.deactivate();
        }
    }

    @Test
    void aUsernameIsTakenInItsCanonicalFormAndLooksUpTheSameWayWhateverTheCache() {
        // Full-width letters are the same name in NFKC.
        long id = directory.register("\uFF41\uFF4C\uFF49\uFF43\uFF45", "password1", null, "10.0.0.1");
        assertEquals("alice", stores.accounts().findById(id).orElseThrow().username());
        assertEquals(id, directory.login("ALICE", "password1", "pc", "10.0.0.1").session().userId());
        assertStatus(Status.CONFLICT, () -> directory.register("alice", "password1", null, "10.0.0.1"));
        // A Kelvin sign is a K: the answer no longer depends on whether "karl" was looked up before.
        long karl = directory.register("karl", "password1", null, "10.0.0.1");
        assertEquals(karl, directory.findUser("\u212Aarl").orElseThrow().id(), "cold");
        assertEquals(karl, directory.findUser("\u212Aarl").orElseThrow().id(), "warm");
        assertStatus(Status.BAD_REQUEST, () -> directory.register("al\u200Bice", "password1", null, "10.0.0.1"));
    }

    @Test
    void aNameThatLooksLikeATakenOneIsRefused() {
        directory.register("mary", "password1", null, "10.0.0.1");
        directory.register("bill.1", "password1", null, "10.0.0.1");
        int address = 10;
        for (String lookAlike : new String[] {"rnary", "MARY", "bi1l.l", "biII-1", "bill_i"}) {
            String from = "10.0.0." + address++;
            ParleyException e = assertStatus(Status.CONFLICT,
                    () -> directory.register(lookAlike, "password1", null, from));
            assertTrue(e.getMessage().contains("looks too much like") || e.getMessage().contains("taken"),
                    e.getMessage());
        }
        directory.register("marty", "password1", null, "10.0.0.1");
        directory.register("clark", "password1", null, "10.0.0.1");
        for (String lookAlike : new String[] {"cIark", "c1ark", "dark"}) {
            String from = "10.0.0." + address++;
            assertStatus(Status.CONFLICT, () -> directory.register(lookAlike, "password1", null, from));
        }
    }
}
