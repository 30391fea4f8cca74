package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import io.parley.protocol.Status;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoresTest {

    @TempDir
    Path dir;

    private TestDatabases.Opened opened;
    private JdbcAccountStore accounts;
    private JdbcTokenStore tokens;

    private void open(String backend) {
        opened = TestDatabases.open(backend, dir);
        accounts = new JdbcAccountStore(opened.db());
        tokens = new JdbcTokenStore(opened.db());
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void usernamesAreUniqueAndFoundIgnoringCase(String backend) {
        open(backend);
        OptionalLong id = accounts.create("Alice", "hash", "Al", 1L);
        assertTrue(id.isPresent());
        assertTrue(accounts.create("alice", "other", "", 2L).isEmpty(), "case-insensitive duplicate refused");
        Account a = accounts.findByUsername("ALICE").orElseThrow();
        assertEquals("Alice", a.username());
        assertEquals("Al", a.nickname());
        assertEquals(id.getAsLong(), a.id());
        assertEquals("hash", accounts.credentials("aLiCe").orElseThrow().passwordHash());
        assertTrue(accounts.findById(id.getAsLong() + 1000).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void aValueLongerThanItsColumnIsTheClientsBadRequest(String backend) {
        open(backend);
        // 64 emoji: 64 characters to MySQL, 128 UTF-16 units to H2's VARCHAR(64); neither stores 65 letters.
        String tooLong = "x".repeat(65);
        ParleyException e = assertThrows(ParleyException.class, () -> accounts.create("carl", "h", tooLong, 1L));
        assertEquals(Status.BAD_REQUEST, e.status());
        long id = accounts.create("carl", "h", "Carl", 1L).orElseThrow();
        assertEquals("Carl", accounts.findById(id).orElseThrow().nickname(), "the connection pool still serves");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void profileChangesOnlyTheGivenFieldsAndKeepsSqlTextAndEmoji(String backend) {
        open(backend);
        long id = accounts.create("bob", "h", "", 1L).orElseThrow();
        accounts.updateProfile(id, new ProfileChange("Bob'; DROP TABLE accounts; --", null, null));
        accounts.updateProfile(id, new ProfileChange(null, "hi 😀 \"quoted\"", null));
        Account b = accounts.findById(id).orElseThrow();
        assertEquals("Bob'; DROP TABLE accounts; --", b.nickname());
        assertEquals("hi 😀 \"quoted\"", b.signature());
        assertEquals("", b.avatar());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void passwordHashIsReplaced(String backend) {
        open(backend);
        long id = accounts.create("carol", "old", "", 1L).orElseThrow();
        accounts.updatePasswordHash(id, "new");
        assertEquals("new", accounts.credentials("carol").orElseThrow().passwordHash());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void tokensAreSavedRevokedAndPurged(String backend) {
        open(backend);
        tokens.save(new StoredToken("t1", 1, "pc", 10, 100));
        tokens.save(new StoredToken("t2", 1, "ios", 10, 100));
        tokens.save(new StoredToken("t3", 2, "pc", 10, 50));
        assertEquals("ios", tokens.find("t2").orElseThrow().device());
        assertEquals(1, tokens.revokeAllExcept(1, "t1"));
        assertTrue(tokens.find("t1").isPresent());
        assertFalse(tokens.find("t2").isPresent());
        assertEquals(1, tokens.purgeExpired(60));
        assertFalse(tokens.find("t3").isPresent());
        tokens.revoke("t1");
        assertFalse(tokens.find("t1").isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void dataSurvivesReopeningAndMigrationsRunOnce(String backend) {
        open(backend);
        long id = accounts.create("dave", "h", "", 1L).orElseThrow();
        opened = opened.reopen(dir);
        accounts = new JdbcAccountStore(opened.db());
        assertEquals(id, accounts.findByUsername("dave").orElseThrow().id());
    }

    @org.junit.jupiter.api.Test
    void splitsScriptsIntoStatements() {
        assertEquals(java.util.List.of("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)"),
                SchemaMigrator.statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n"));
    }
}
