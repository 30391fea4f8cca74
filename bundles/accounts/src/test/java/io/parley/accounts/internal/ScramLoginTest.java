package io.parley.accounts.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.AuthStartResponse;
import io.parley.api.handler.Request;
import io.parley.api.session.Session;
import io.parley.protocol.Scram;
import io.parley.protocol.Status;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** AUTH_START and AUTH_FINISH against the account rules, with a client computed from the protocol's arithmetic. */
class ScramLoginTest {

    private static final String CLIENT_NONCE = Scram.base64(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
            14, 15, 16, 17, 18, 19, 20});

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final MemoryStores stores = new MemoryStores();
    private final AccountDirectory directory = new AccountDirectory(stores.accounts(), stores.tokens(),
            stores.attributes(), 4096, Duration.ofHours(1), 3, 50, Duration.ofMinutes(5), 0, Duration.ofHours(1), 0,
            0, Duration.ofMinutes(1), now::get);

    @AfterEach
    void stop() {
        directory.deactivate();
    }

    /** A connection as the handlers see it: what is kept between its requests, and its address. */
    static final class Connection implements Request {
        private Object kept;
        Session session;

        @Override
        public String id() {
            return "r";
        }

        @Override
        public int type() {
            return 0;
        }

        @Override
        public <T> T body(Class<T> type) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Session> session() {
            return Optional.ofNullable(session);
        }

        @Override
        public String remoteAddress() {
            return "10.0.0.1";
        }

        @Override
        public void login(Session s) {
            session = s;
        }

        @Override
        public void keep(Object value) {
            kept = value;
        }

        @Override
        public Optional<Object> take() {
            Object value = kept;
            kept = null;
            return Optional.ofNullable(value);
        }

        @Override
        public void closeAfterResponse() {
        }
    }

    private static ParleyException assertStatus(Status status, Executable action) {
        ParleyException e = assertThrows(ParleyException.class, action);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    /** The client's proof for the AUTH_START answer, from the password. */
    private static String proof(String username, String password, AuthStartResponse start) {
        byte[] salted = Scram.saltedPassword(password, Scram.fromBase64(start.salt()), start.iterations());
        return Scram.base64(Scram.proof(Scram.clientKey(salted),
                Scram.authMessage(username, CLIENT_NONCE, start.nonce(), start.salt(), start.iterations())));
    }

    private AccountDirectory.AuthFinished scram(Connection c, String username, String password) {
        AuthStartResponse start = directory.authStart(c, username, "pc", CLIENT_NONCE);
        return directory.authFinish(c, start.nonce(), proof(username, password, start));
    }

    @Test
    void theRightPasswordLogsInAndTheServerProvesItHasTheKeys() {
        long id = directory.register("alice", "password1", null, "10.0.0.1");
        Connection c = new Connection();
        AuthStartResponse start = directory.authStart(c, "Alice", "pc", CLIENT_NONCE);
        assertTrue(start.nonce().startsWith(CLIENT_NONCE) && start.nonce().length() > CLIENT_NONCE.length());
        assertEquals(4096, start.iterations());
        AccountDirectory.AuthFinished finished = directory.authFinish(c, start.nonce(), proof("Alice", "password1", start));
        assertEquals(id, finished.login().session().userId());

        byte[] salted = Scram.saltedPassword("password1", Scram.fromBase64(start.salt()), start.iterations());
        String authMessage = Scram.authMessage("Alice", CLIENT_NONCE, start.nonce(), start.salt(), start.iterations());
        assertEquals(Scram.base64(Scram.serverSignature(Scram.serverKey(salted), authMessage)), finished.serverSignature());
        assertTrue(stores.tokens().find(finished.login().session().tokenId()).isPresent(), "a token to RESUME with");
    }

    @Test
    void aWrongProofIsAFailedLoginAndCountsAsOne() {
        directory.register("bob", "password1", null, "10.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertStatus(Status.UNAUTHENTICATED, () -> scram(new Connection(), "bob", "password2"));
        }
        assertStatus(Status.RATE_LIMITED, () -> scram(new Connection(), "bob", "password1"));
    }

    @Test
    void anUnknownNameGetsTheSameShapeOfAnswerEveryTime() {
        directory.register("carol", "password1", null, "10.0.0.1");
        AuthStartResponse known = directory.authStart(new Connection(), "carol", "pc", CLIENT_NONCE);
        AuthStartResponse unknown = directory.authStart(new Connection(), "nobody", "pc", CLIENT_NONCE);
        AuthStartResponse again = directory.authStart(new Connection(), "NOBODY", "pc", CLIENT_NONCE);
        assertEquals(unknown.salt(), again.salt(), "a stable salt, or asking twice would tell");
        assertEquals(known.salt().length(), unknown.salt().length());
        assertEquals(known.iterations(), unknown.iterations());
        assertEquals(known.nonce().length(), unknown.nonce().length());
        assertNotEquals(unknown.salt(), directory.authStart(new Connection(), "nobody2", "pc", CLIENT_NONCE).salt());
        assertStatus(Status.UNAUTHENTICATED, () -> scram(new Connection(), "nobody", "password1"));
    }

    @Test
    void theMadeUpSaltSurvivesARestartThroughTheStore() {
        String first = directory.authStart(new Connection(), "nobody", "pc", CLIENT_NONCE).salt();
        AccountDirectory restarted = new AccountDirectory(stores.accounts(), stores.tokens(), stores.attributes(), 4096,
                Duration.ofHours(1), 3, 50, Duration.ofMinutes(5), 0, Duration.ofHours(1), 0, 0, Duration.ofMinutes(1),
                now::get);
        try {
            assertEquals(first, restarted.authStart(new Connection(), "nobody", "pc", CLIENT_NONCE).salt());
        } finally {
            restarted.deactivate();
        }
    }

    @Test
    void finishWithoutStartTwiceOrWithAnotherNonceIsABadRequest() {
        directory.register("dave", "password1", null, "10.0.0.1");
        assertStatus(Status.BAD_REQUEST, () -> directory.authFinish(new Connection(), CLIENT_NONCE + "AAAA", "AAAA"));

        Connection c = new Connection();
        AuthStartResponse start = directory.authStart(c, "dave", "pc", CLIENT_NONCE);
        String proof = proof("dave", "password1", start);
        directory.authFinish(c, start.nonce(), proof);
        assertStatus(Status.BAD_REQUEST, () -> directory.authFinish(c, start.nonce(), proof));

        Connection other = new Connection();
        AuthStartResponse mine = directory.authStart(other, "dave", "pc", CLIENT_NONCE);
        assertStatus(Status.BAD_REQUEST, () -> directory.authFinish(other, start.nonce(), proof));
        assertStatus(Status.BAD_REQUEST, () -> directory.authFinish(other, mine.nonce(), proof("dave", "password1", mine)));
    }

    @Test
    void aClientNonceMustBeLongEnoughBase64() {
        for (String bad : new String[] {"", "short", "not base64 at all, not at all!!", "A".repeat(200)}) {
            assertStatus(Status.BAD_REQUEST, () -> directory.authStart(new Connection(), "erin", "pc", bad));
        }
        assertStatus(Status.BAD_REQUEST, () -> directory.authStart(new Connection(), "erin", "bad device!", CLIENT_NONCE));
    }

    @Test
    void aPasswordChangedBetweenTheStepsDoesNotLetTheOldOneIn() {
        directory.register("fay", "password1", null, "10.0.0.1");
        Connection c = new Connection();
        AuthStartResponse start = directory.authStart(c, "fay", "pc", CLIENT_NONCE);
        Session other = directory.login("fay", "password1", "ios", "10.0.0.1").session();
        directory.changePassword(other, "password1", "password2", "10.0.0.1");
        assertStatus(Status.UNAUTHENTICATED, () -> directory.authFinish(c, start.nonce(), proof("fay", "password1", start)));
    }

    @Test
    void anAccountFromBeforeScramMovesOverAtItsFirstPlainLogin() {
        long id = stores.accounts().create("gus", Passwords.oldForm("password1", new byte[16], 1000), "gus", 0)
                .orElseThrow();
        // Its SCRAM attempt cannot succeed: the server has no keys yet, and its salt is a made-up one.
        Connection c = new Connection();
        AuthStartResponse start = directory.authStart(c, "gus", "pc", CLIENT_NONCE);
        assertStatus(Status.UNAUTHENTICATED, () -> directory.authFinish(c, start.nonce(), proof("gus", "password1", start)));
        // The LOGIN that follows with the same password is the same attempt: it neither counts twice nor fails.
        assertEquals(id, directory.login("gus", "password1", "pc", "10.0.0.1",
                AccountDirectory.failedProof(c)).session().userId());
        assertTrue(ScramCredentials.parse(stores.accounts().credentials("gus").orElseThrow().passwordHash()).isPresent());
        assertEquals(id, scram(new Connection(), "gus", "password1").login().session().userId());
        assertTrue(directory.login("gus", "password1", "pc", "10.0.0.1").session().userId() == id,
                "plain LOGIN checks the new form too");
    }

    @Test
    void aLoginAfterARefusedProofWithAnotherPasswordCountsAgain() {
        directory.register("hal", "password1", null, "10.0.0.1");
        // Three failures allowed: a proof plus a LOGIN with a different password are two of them.
        Connection c = new Connection();
        assertStatus(Status.UNAUTHENTICATED, () -> scram(c, "hal", "guess-one"));
        assertStatus(Status.UNAUTHENTICATED, () -> directory.login("hal", "guess-two", "pc", "10.0.0.1",
                AccountDirectory.failedProof(c)));
        Connection d = new Connection();
        assertStatus(Status.UNAUTHENTICATED, () -> scram(d, "hal", "guess-three"));
        // The same password again after a refused proof is not a fourth failure, but the limit is already full.
        assertStatus(Status.RATE_LIMITED, () -> directory.login("hal", "guess-four", "pc", "10.0.0.1",
                AccountDirectory.failedProof(d)));
    }

    @Test
    void aRefusedProofForABadNameThenALoginIsAnsweredNotCrashed() {
        directory.register("jay", "password1", null, "10.0.0.1");
        Connection c = new Connection();
        assertStatus(Status.UNAUTHENTICATED, () -> scram(c, "no such name!", "password1"));
        assertEquals("jay", directory.login("jay", "password1", "pc", "10.0.0.1", AccountDirectory.failedProof(c))
                .session().username());
    }

    @Test
    void changedIterationsReachAnAccountAtItsNextPlainLogin() {
        directory.register("kay", "password1", null, "10.0.0.1");
        AccountDirectory stronger = new AccountDirectory(stores.accounts(), stores.tokens(), stores.attributes(), 8192,
                Duration.ofHours(1), 3, 50, Duration.ofMinutes(5), 0, Duration.ofHours(1), 0, 0, Duration.ofMinutes(1),
                now::get);
        try {
            assertEquals(4096, stronger.authStart(new Connection(), "kay", "pc", CLIENT_NONCE).iterations());
            stronger.login("kay", "password1", "pc", "10.0.0.1");
            // Now it answers as an unknown name does, so the count does not tell who exists.
            assertEquals(8192, stronger.authStart(new Connection(), "kay", "pc", CLIENT_NONCE).iterations());
            assertEquals(8192, stronger.authStart(new Connection(), "nobody", "pc", CLIENT_NONCE).iterations());
        } finally {
            stronger.deactivate();
        }
    }

    @Test
    void plainLoginCanBeTurnedOff() {
        AccountDirectory scramOnly = new AccountDirectory(Configs.of(AccountsConfiguration.class,
                Map.of("pbkdf2Iterations", 4096, "plainLogin", false)), stores.accounts(), stores.tokens(),
                stores.attributes());
        try {
            scramOnly.register("ivy", "password1", null, "10.0.0.1");
            assertStatus(Status.UNSUPPORTED, () -> scramOnly.login("ivy", "password1", "pc", "10.0.0.1"));
            Connection c = new Connection();
            AuthStartResponse start = scramOnly.authStart(c, "ivy", "pc", CLIENT_NONCE);
            assertFalse(scramOnly.authFinish(c, start.nonce(), proof("ivy", "password1", start)).serverSignature().isEmpty());
        } finally {
            scramOnly.deactivate();
        }
    }

    @Test
    void storedFormsAreReadBack() {
        Passwords passwords = new Passwords(4096);
        String stored = passwords.hash("password1");
        ScramCredentials c = ScramCredentials.parse(stored).orElseThrow();
        assertEquals(stored, c.format());
        assertArrayEquals(c.storedKey(), ScramCredentials.derive("password1", c.salt(), 4096).storedKey());
        assertTrue(passwords.verify("password1", stored));
        assertFalse(passwords.verify("password2", stored));
        assertTrue(passwords.verify("password1", Passwords.oldForm("password1", new byte[16], 1000)));
        assertFalse(passwords.verify("password1", "scram-sha256$x$y$z$w"), "a damaged value is no match");
        assertFalse(passwords.verify("password1", "pbkdf2-sha512$1000$!!$??"));
    }
}
