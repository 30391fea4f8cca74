package io.parley.storage.jdbc.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the storage contract runs on: H2 in a temporary folder, and MariaDB/MySQL at 127.0.0.1:3306
 * (root, no password) in a database of its own, created for the test and dropped after. With CI=true a
 * missing MariaDB fails the test; elsewhere it is skipped with a loud message.
 */
public final class TestDatabases {

    public static final String MARIADB_ROOT = "jdbc:mysql://127.0.0.1:3306/?user=root&password=";

    private TestDatabases() {
    }

    /** Parameter source: every backend by name. */
    public static Stream<String> all() {
        return Stream.of("h2", "mariadb");
    }

    /** A fresh, migrated database of the kind, in a temporary folder (H2) or a new database (MariaDB). */
    public static Opened open(String kind, Path dir) {
        if (kind.equals("h2")) {
            return new Opened(new JdbcDatabase("jdbc:h2:file:" + dir.resolve("parley"), "", "", 16, 5000), null);
        }
        String name = freshMariaDb();
        return new Opened(new JdbcDatabase("jdbc:mysql://127.0.0.1:3306/" + name, "root", "", 16, 5000), name);
    }

    /** An open test database; closing it drops the MariaDB database. */
    public record Opened(JdbcDatabase db, String mariaDbName) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
            if (mariaDbName != null) {
                root("DROP DATABASE IF EXISTS " + mariaDbName);
            }
        }

        public JdbcDatabase db() {
            return db;
        }

        /** Creates an account of this name (messages and tokens refer to accounts) and returns its id. */
        public long account(String username) {
            return new JdbcAccountStore(db).create(username, "h", "", 1).orElseThrow();
        }

        /** Reopens the same database, as a restarted server would. */
        public Opened reopen(Path dir) {
            db.close();
            return mariaDbName == null
                    ? new Opened(new JdbcDatabase("jdbc:h2:file:" + dir.resolve("parley"), "", "", 16, 5000), null)
                    : new Opened(new JdbcDatabase("jdbc:mysql://127.0.0.1:3306/" + mariaDbName, "root", "", 16, 5000),
                            mariaDbName);
        }
    }

    /** Creates an empty utf8mb4 database on the local MariaDB and returns its name. */
    public static String freshMariaDb() {
        String name = "parley_t" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        root("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return name;
    }

    /** Runs one statement as root on the local MariaDB. */
    public static void root(String sql) {
        try (Connection c = DriverManager.getConnection(MARIADB_ROOT); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("MariaDB at 127.0.0.1:3306 is required in CI, but: " + e.getMessage());
            }
            System.err.println("\n*** SKIPPED: MariaDB at 127.0.0.1:3306 is not reachable (" + e.getMessage()
                    + "); the MariaDB half of the storage contract did not run. ***\n");
            Assumptions.abort("MariaDB not reachable: " + e.getMessage());
        }
    }
}
