package io.parley.storage.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the scripts {@code db/migration/V<n>__<name>.sql} listed in {@code db/migration/index.txt}, n = 1, 2,
 * 3 ..., each once, in order, recording each in {@code parley_schema}. A script is a list of statements separated by {@code ;} at the end of a line.
 * (Flyway would do this, but it scans the class path in ways that do not work inside an OSGi bundle.)
 */
final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String DIR = "db/migration/";
    private static final Pattern NAME = Pattern.compile("V(\\d+)__[A-Za-z0-9_]+\\.sql");

    /** How long a node waits for another node's migration of the same MySQL database. */
    private static final int LOCK_SECONDS = 120;

    private final DataSource dataSource;
    private final ClassLoader resources;
    private final Dialect dialect;

    SchemaMigrator(DataSource dataSource, ClassLoader resources, Dialect dialect) {
        this.dataSource = dataSource;
        this.resources = resources;
        this.dialect = dialect;
    }

    /**
     * Returns the schema version after migrating. On MySQL/MariaDB, nodes that start together take turns
     * under a named lock per database: MySQL commits DDL at once, so two nodes running V1 side by side would
     * both try to create its tables. (An embedded H2 file belongs to one process anyway.)
     */
    int migrate() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean locked = dialect == Dialect.MYSQL && lock(c);
            try {
                return migrate(c);
            } finally {
                if (locked) {
                    try (Statement s = c.createStatement()) {
                        s.execute("DO RELEASE_LOCK(CONCAT('parley_schema.', DATABASE()))");
                    }
                }
            }
        }
    }

    private static boolean lock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT GET_LOCK(CONCAT('parley_schema.', DATABASE()), " + LOCK_SECONDS + ")")) {
            if (!rs.next() || rs.getInt(1) != 1) {
                throw new SQLException("Another node has been migrating this database's schema for over "
                        + LOCK_SECONDS + " s; not starting on a half-migrated schema.");
            }
            return true;
        }
    }

    private int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS parley_schema ("
                    + "version INT NOT NULL PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int current = currentVersion(c);
        int version = current;
        for (Script script : scriptsAfter(current)) {
            apply(c, script);
            version = script.version();
        }
        if (version != current) {
            LOG.info("Schema migrated from version {} to {}", current, version);
        }
        return version;
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM parley_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private record Script(int version, String name, String sql) {
    }

    /** The scripts listed in {@code db/migration/index.txt} with a version above {@code current}, in order. */
    private List<Script> scriptsAfter(int current) {
        List<Script> scripts = new ArrayList<>();
        for (String name : read(DIR + "index.txt").split("\\R")) {
            Matcher m = NAME.matcher(name.trim());
            if (!name.isBlank() && !m.matches()) {
                throw new IllegalStateException("Bad migration script name in index.txt: " + name);
            }
            if (m.matches() && Integer.parseInt(m.group(1)) > current) {
                scripts.add(new Script(Integer.parseInt(m.group(1)), name.trim(), read(DIR + name.trim())));
            }
        }
        scripts.sort(Comparator.comparingInt(Script::version));
        for (int i = 0; i < scripts.size(); i++) {
            if (scripts.get(i).version() != current + 1 + i) {
                throw new IllegalStateException("Migration scripts must be numbered without gaps after " + current);
            }
        }
        return scripts;
    }

    private String read(String resource) {
        try (InputStream in = resources.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
    }

    private static void apply(Connection c, Script script) throws SQLException {
        LOG.info("Applying {}", script.name());
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String statement : statements(script.sql())) {
                s.execute(statement);
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO parley_schema (version, script, applied_at) VALUES (?, ?, ?)")) {
                p.setInt(1, script.version());
                p.setString(2, script.name());
                p.setLong(3, System.currentTimeMillis());
                p.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("Migration " + script.name() + " failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().trim();
                out.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }
}
