package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.protocol.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's connections are killed on the server (KILL from another connection): requests recover. */
class MariaDbFaultsTest {

    @TempDir
    Path dir;

    private TestDatabases.Opened opened;

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    @Test
    void killedConnectionsAreReplacedAndNothingStoredIsLost() throws Exception {
        opened = TestDatabases.open("mariadb", dir);
        JdbcAccountStore accounts = new JdbcAccountStore(opened.db());
        long id = accounts.create("survivor", "h", "Before", 1).orElseThrow();
        for (int i = 0; i < 4; i++) {
            accounts.findById(id);
        }

        int killed = killConnectionsTo(opened.mariaDbName());
        assertTrue(killed > 0, "the pool had connections to kill");

        int unavailable = 0;
        String nickname = null;
        for (int attempt = 0; attempt < 5 && nickname == null; attempt++) {
            try {
                nickname = accounts.findById(id).orElseThrow().nickname();
            } catch (ParleyException e) {
                assertEquals(Status.UNAVAILABLE, e.status(), "a lost connection is UNAVAILABLE, never INTERNAL");
                unavailable++;
            }
        }
        assertEquals("Before", nickname, "the pool recovered by itself within " + unavailable + " failed tries");
        accounts.updateProfile(id, new io.parley.api.store.ProfileChange("After", null, null));
        assertEquals("After", accounts.findById(id).orElseThrow().nickname());
    }

    private static int killConnectionsTo(String database) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestDatabases.MARIADB_ROOT); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM information_schema.processlist WHERE db = '" + database + "'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                s.execute("KILL " + id);
            }
        }
        return ids.size();
    }
}
