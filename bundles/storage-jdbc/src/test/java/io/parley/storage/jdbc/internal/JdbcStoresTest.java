package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.Usernames;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import io.parley.protocol.Status;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
    void accountsAreListedByPrefixInPages(String backend) {
        open(backend);
        for (String name : new String[] {"bob", "Alice", "al_x", "alan", "albert", "zed"}) {
            accounts.create(name, "hash", name, 1L);
        }
        java.util.function.Function<java.util.List<Account>, java.util.List<String>> names =
                l -> l.stream().map(Account::username).toList();
        // The order is the database's collation of the key (where "_" sorts differs), the same for every page.
        java.util.List<String> all = names.apply(accounts.list("AL", null, 10));
        assertEquals(java.util.Set.of("al_x", "alan", "albert", "Alice"), new java.util.HashSet<>(all));
        java.util.List<String> first = names.apply(accounts.list("al", null, 2));
        java.util.List<String> second = names.apply(accounts.list("al", first.get(1), 2));
        assertEquals(all.subList(0, 2), first);
        assertEquals(all.subList(2, 4), second);
        assertEquals(java.util.List.of(), names.apply(accounts.list("al", all.get(3), 2)));
        // "_" and "%" are letters here, not patterns.
        assertEquals(java.util.List.of("al_x"), names.apply(accounts.list("al_", null, 10)));
        assertEquals(java.util.List.of(), names.apply(accounts.list("%", null, 10)));
        assertEquals(6, accounts.list("", null, 100).size());
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
        // Moving a hash to a newer form must not undo a change made meanwhile.
        assertFalse(accounts.replacePasswordHash(id, "old", "newer form of old"));
        assertTrue(accounts.replacePasswordHash(id, "new", "newer form of new"));
        assertEquals("newer form of new", accounts.credentials("carol").orElseThrow().passwordHash());
        assertFalse(accounts.replacePasswordHash(id + 1000, "newer form of new", "x"), "no such account");
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void aNameThatLooksLikeAnAccountsIsFound(String backend) {
        open(backend);
        accounts.create("Mary", "h", "", 1L).orElseThrow();
        accounts.create("bill.1", "h", "", 1L).orElseThrow();
        assertEquals("Mary", accounts.lookAlike("rnary").orElseThrow());
        assertEquals("Mary", accounts.lookAlike("MARY").orElseThrow());
        assertEquals("bill.1", accounts.lookAlike("biII-l").orElseThrow());
        assertTrue(accounts.lookAlike("marty").isEmpty());
    }

    /**
     * Accounts made before the look-alike column get it from the migration's SQL, which must compute what
     * {@link Usernames#lookAlike} does on every backend.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.parley.storage.jdbc.internal.TestDatabases#all")
    void theMigrationGivesOlderAccountsTheirLookAlikeForm(String backend) throws Exception {
        open(backend);
        List<String> names = List.of("Mary", "rnary", "Bill.1", "O0o-Il1_i", "vvcl.RN-x", "clvvrn", "abc", "cIark",
                "c1ark", "r.n");
        for (String name : names) {
            opened.db().update("INSERT INTO accounts (username, username_key, password_hash, nickname, signature, "
                    + "avatar, created_at) VALUES (?, ?, 'h', '', '', '', 0)", name, name.toLowerCase(Locale.ROOT));
        }
        String script;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                "db/migration/V5__username_look_alikes.sql")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String update = Arrays.stream(script.split(";")).map(String::trim)
                .map(st -> st.replaceAll("(?m)^--.*\\n", "").trim())
                .filter(st -> st.startsWith("UPDATE")).findFirst().orElseThrow();
        opened.db().update(update);
        for (String name : names) {
            String stored = opened.db().queryOne("SELECT username_look_alike FROM accounts WHERE username = ?",
                    rs -> rs.getString(1), name).orElseThrow();
            assertEquals(Usernames.lookAlike(name), stored, name);
        }
    }
}
