package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.account.Account;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcStoresTest {

    @TempDir
    Path dir;

    private JdbcDatabase db;
    private JdbcAccountStore accounts;
    private JdbcTokenStore tokens;

    @BeforeEach
    void open() {
        db = new JdbcDatabase("jdbc:h2:file:" + dir.resolve("parley"), "", "", 4, 2000);
        accounts = new JdbcAccountStore(db);
        tokens = new JdbcTokenStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void usernamesAreUniqueAndFoundIgnoringCase() {
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

    @Test
    void profileChangesOnlyTheGivenFieldsAndKeepsSqlTextAndEmoji() {
        long id = accounts.create("bob", "h", "", 1L).orElseThrow();
        accounts.updateProfile(id, new ProfileChange("Bob'; DROP TABLE accounts; --", null, null));
        accounts.updateProfile(id, new ProfileChange(null, "hi 😀 \"quoted\"", null));
        Account b = accounts.findById(id).orElseThrow();
        assertEquals("Bob'; DROP TABLE accounts; --", b.nickname());
        assertEquals("hi 😀 \"quoted\"", b.signature());
        assertEquals("", b.avatar());
    }

    @Test
    void passwordHashIsReplaced() {
        long id = accounts.create("carol", "old", "", 1L).orElseThrow();
        accounts.updatePasswordHash(id, "new");
        assertEquals("new", accounts.credentials("carol").orElseThrow().passwordHash());
    }

    @Test
    void tokensAreSavedRevokedAndPurged() {
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

    @Test
    void dataSurvivesReopeningAndMigrationsRunOnce() {
        long id = accounts.create("dave", "h", "", 1L).orElseThrow();
        db.close();
        db = new JdbcDatabase("jdbc:h2:file:" + dir.resolve("parley"), "", "", 4, 2000);
        accounts = new JdbcAccountStore(db);
        assertEquals(id, accounts.findByUsername("dave").orElseThrow().id());
    }

    @Test
    void splitsScriptsIntoStatements() {
        assertEquals(java.util.List.of("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)"),
                SchemaMigrator.statements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n"));
    }
}
