package io.parley.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.storage.jdbc.internal.JdbcAccountStore;
import io.parley.storage.jdbc.internal.JdbcDatabase;
import io.parley.storage.jdbc.internal.JdbcFriendStore;
import io.parley.storage.jdbc.internal.JdbcGroupStore;
import io.parley.storage.jdbc.internal.JdbcMessageStore;
import io.parley.storage.jdbc.internal.TestDatabases;
import io.parley.storage.log.internal.LogMessageStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bin/parley-migrate on real stores: the message log, H2 and MariaDB (127.0.0.1:3306; with CI=true a missing
 * MariaDB fails the test). Each copy runs twice: the second must change nothing and still match.
 */
class MigrateTest {

    @TempDir
    Path dir;

    static List<String> databases() {
        return TestDatabases.all().toList();
    }

    /** Runs the tool; returns its exit status and what it printed. */
    private record Ran(int status, String out, String err) {
    }

    private static Ran migrate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Migrate.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Ran(status, out.toString(), err.toString());
    }

    private static String url(TestDatabases.Opened db, Path dir) {
        return db.mariaDbName() == null ? "jdbc:h2:file:" + dir.resolve("parley")
                : "jdbc:mysql://127.0.0.1:3306/" + db.mariaDbName();
    }

    private static String user(TestDatabases.Opened db) {
        return db.mariaDbName() == null ? "" : "root";
    }

    private static void direct(MessageStore store, long from, String fromName, long to, String toName, String text,
            long ts) {
        store.append(new NewMessage(from, fromName, to, toName, null, InboxEntry.MSG, text, null, text, ts),
                List.of(from, to));
    }

    /** What a client sees of a user: every entry, the head, a device's cursor. */
    private record View(List<InboxEntry> entries, long lastSeq, long acked) {
    }

    private static View view(MessageStore store, long user) {
        return new View(store.pull(user, 0, Integer.MAX_VALUE), store.lastSeq(user), store.acked(user, "pc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void messagesGoFromTheLogToADatabaseAndBackAsTheyWere(String kind) throws Exception {
        TestDatabases.Opened db = TestDatabases.open(kind, dir);
        long alice = db.account("alice");
        long bob = db.account("bob");
        long carol = db.account("carol");
        long dave = db.account("dave");
        db.db().close();

        Path logDir = dir.resolve("messages");
        LogMessageStore log = new LogMessageStore(logDir, true);
        for (int i = 0; i < 30; i++) {
            direct(log, alice, "alice", bob, "bob", "old " + i, 100);
        }
        for (int i = 0; i < 20; i++) {
            direct(log, bob, "bob", alice, "alice", "hi 😀 " + i, 5000 + i);
        }
        log.append(new NewMessage(carol, "carol", null, null, 7L, InboxEntry.MSG, "to the group", null, "g1", 6000),
                List.of(alice, bob, carol));
        log.append(new NewMessage(carol, "carol", null, null, 7L, InboxEntry.EVENT, null, "{\"type\":\"joined\"}",
                null, 6001), List.of(alice, bob, carol));
        direct(log, dave, "dave", carol, "carol", "for carol", 6002);
        log.ack(bob, "pc", 40);
        log.ack(alice, "pc", 7);
        assertEquals(30, log.deleteBefore(1000, 1000), "retention took the old ones: holes at the inboxes' fronts");
        log.erase(dave); // an inbox with a head and no entries
        List<View> before = List.of(view(log, alice), view(log, bob), view(log, carol), view(log, dave));
        log.close();

        String url = url(db, dir);
        for (int run = 1; run <= 2; run++) {
            Ran ran = migrate("messages", "--from", "log:" + logDir, "--to", url, "--to-user", user(db));
            assertEquals(0, ran.status(), ran.out() + ran.err());
            assertTrue(ran.out().contains("The counts match."), ran.out());
            assertTrue(ran.out().contains("23 messages, 47 inbox entries, 4 inbox heads, 2 cursors"), ran.out());
        }

        JdbcDatabase reopened = new JdbcDatabase(url, user(db), "", 4, 5000);
        JdbcMessageStore jdbc = new JdbcMessageStore(reopened);
        assertEquals(before, List.of(view(jdbc, alice), view(jdbc, bob), view(jdbc, carol), view(jdbc, dave)),
                "every entry at its seq, with its id, names and time; heads and cursors as they were");
        assertEquals(List.of("to the group"), jdbc.history(bob, new Conversation.Group(7L), Long.MAX_VALUE, 10)
                .stream().filter(e -> e.text() != null).map(InboxEntry::text).toList());
        assertTrue(jdbc.findByCid(bob, "hi 😀 3").orElseThrow().duplicate(), "cids came along: a retry is a retry");
        Appended next = jdbc.append(new NewMessage(dave, "dave", alice, "alice", null, InboxEntry.MSG, "after", null,
                "after", 7000), List.of(dave, alice));
        long maxId = before.get(0).entries().stream().mapToLong(InboxEntry::msgId).max().orElseThrow();
        assertTrue(next.msgId() > maxId, "new ids go on after the copied ones");
        assertEquals(before.get(3).lastSeq() + 1, next.seqs().get(dave), "seqs go on after the heads");
        List<View> withNext = List.of(view(jdbc, alice), view(jdbc, bob), view(jdbc, carol), view(jdbc, dave));
        reopened.close();

        Path back = dir.resolve("messages-back");
        Ran ran = migrate("messages", "--from", url, "--from-user", user(db), "--to", "log:" + back);
        assertEquals(0, ran.status(), ran.out() + ran.err());
        LogMessageStore again = new LogMessageStore(back, true);
        try {
            assertEquals(withNext, List.of(view(again, alice), view(again, bob), view(again, carol),
                    view(again, dave)), "and back into a log, as the database had them");
            Appended last = again.append(new NewMessage(alice, "alice", bob, "bob", null, InboxEntry.MSG, "last",
                    null, "last", 8000), List.of(alice, bob));
            assertTrue(last.msgId() > next.msgId());
            assertEquals(withNext.get(1).lastSeq() + 1, last.seqs().get(bob));
        } finally {
            again.close();
            db.close();
        }
    }

    @Test
    void theDatabaseGoesFromH2ToMariaDbWithItsIdsAndCanBeCopiedAgain() throws Exception {
        TestDatabases.Opened h2 = TestDatabases.open("h2", dir);
        JdbcAccountStore accounts = new JdbcAccountStore(h2.db());
        long ann = h2.account("ann");
        long ben = h2.account("ben");
        accounts.create("zoë", "hash", "Zoë 😀", 3).orElseThrow();
        new JdbcFriendStore(h2.db()).makeFriends(ann, ben, 10);
        long group = new JdbcGroupStore(h2.db()).create("hikers", ann, List.of(ann, ben), 11);
        direct(new JdbcMessageStore(h2.db()), ann, "ann", ben, "ben", "hello", 12);
        h2.db().close();

        TestDatabases.Opened maria = TestDatabases.open("mariadb", dir.resolve("m"));
        maria.db().close();
        String to = "jdbc:mysql://127.0.0.1:3306/" + maria.mariaDbName();
        try {
            for (int run = 1; run <= 2; run++) {
                Ran ran = migrate("database", "--from", "jdbc:h2:file:" + dir.resolve("parley"), "--to", to,
                        "--to-user", "root");
                assertEquals(0, ran.status(), ran.out() + ran.err());
                assertTrue(ran.out().contains("The counts match."), ran.out());
                assertTrue(ran.out().matches("(?s).*accounts\\s+3 rows copied; source 3, target 3.*"), ran.out());
            }
            JdbcDatabase target = new JdbcDatabase(to, "root", "", 4, 5000);
            try {
                JdbcAccountStore copied = new JdbcAccountStore(target);
                assertEquals("Zoë 😀", copied.findByUsername("zoë").orElseThrow().nickname());
                assertTrue(new JdbcFriendStore(target).areFriends(ann, ben));
                assertEquals(List.of(ann, ben), new JdbcGroupStore(target).find(group).orElseThrow().members().stream()
                        .map(m -> m.userId()).sorted().toList());
                assertEquals("hello", new JdbcMessageStore(target).pull(ben, 0, 10).get(0).text());
                long fresh = copied.create("newcomer", "h", "", 20).orElseThrow();
                assertTrue(fresh > 3, "new accounts get ids after the copied ones: " + fresh);
            } finally {
                target.close();
            }
        } finally {
            TestDatabases.root("DROP DATABASE IF EXISTS " + maria.mariaDbName());
        }
    }

    @Test
    void aMistypedSourceGetsASentenceNotAStackTraceAndNothingIsMade() {
        Ran ran = migrate("messages", "--from", "log:" + dir.resolve("nothing-here"), "--to",
                "log:" + dir.resolve("out"));
        assertEquals(2, ran.status());
        assertTrue(ran.err().startsWith("parley-migrate: No message log in "), ran.err());
        assertFalse(ran.err().contains("\tat "), ran.err());

        Ran db = migrate("database", "--from", "jdbc:h2:file:" + dir.resolve("missing"), "--to",
                "jdbc:h2:file:" + dir.resolve("target"));
        assertEquals(2, db.status());
        assertFalse(db.err().contains("\tat "), db.err());
        assertFalse(dir.resolve("missing.mv.db").toFile().exists(), "no empty database was made at the mistyped path");

        Ran wrong = migrate("messages", "--from", "ftp://x", "--to", "log:" + dir.resolve("out"));
        assertEquals(2, wrong.status());
        assertTrue(wrong.err().contains("A store is log:<folder> or a JDBC URL"), wrong.err());
    }
}
