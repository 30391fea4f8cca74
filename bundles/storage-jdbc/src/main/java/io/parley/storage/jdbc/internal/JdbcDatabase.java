package io.parley.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.parley.api.ParleyException;
import io.parley.protocol.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and the schema. Stores reference this component, so a changed configuration
 * (another URL) reactivates it and rebinds every store to the new database.
 */
@Component(service = JdbcDatabase.class, configurationPid = "io.parley.storage.jdbc",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = JdbcConfiguration.class)
public final class JdbcDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDatabase.class);

    private final HikariDataSource pool;
    private final Dialect dialect;
    private final boolean batchKeysExact;

    @Activate
    public JdbcDatabase(JdbcConfiguration config) {
        this(config.url(), config.user(), config.password(), config.poolSize(), config.connectionTimeoutMs());
    }

    /** Outside OSGi (tests, tools). */
    public JdbcDatabase(String url, String user, String password, int poolSize, long connectionTimeoutMs) {
        dialect = Dialect.of(url);
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("parley-jdbc");
        // The driver's own DataSource, so no DriverManager lookup has to see the driver bundle's classes.
        hikari.setDataSource(dialect.dataSource(url, user, password));
        hikari.setMaximumPoolSize(poolSize);
        hikari.setConnectionTimeout(connectionTimeoutMs);
        // Fail fast at start when the database is unreachable, instead of answering UNAVAILABLE for ever.
        hikari.setInitializationFailTimeout(connectionTimeoutMs);
        pool = new HikariDataSource(hikari);
        try {
            new SchemaMigrator(pool, getClass().getClassLoader(), dialect).migrate();
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new IllegalStateException("Cannot prepare the schema at " + redact(url) + ": " + e.getMessage(), e);
        }
        batchKeysExact = dialect.batchKeysExact(pool);
        LOG.info("Storage ready on {}", redact(url));
    }

    @Deactivate
    public void close() {
        pool.close();
    }

    DataSource dataSource() {
        return pool;
    }

    Dialect dialect() {
        return dialect;
    }

    /** See {@link Dialect#batchKeysExact}: read once, when the pool opened. */
    boolean batchKeysExact() {
        return batchKeysExact;
    }

    /**
     * Makes the table's identity column go on after its largest id, once rows were inserted with their ids
     * (a copy from another store); a no-op where the database does that itself.
     */
    void moveIdentityPastRows(String table) {
        long next = queryOne("SELECT MAX(id) FROM " + table, rs -> rs.getLong(1)).orElse(0L) + 1;
        String restart = dialect.restartIdentity(table, next);
        if (restart != null) {
            update(restart);
        }
    }

    /** Runs one INSERT, UPDATE or DELETE with the parameters in order; returns the rows it changed. */
    int update(String sql, Object... params) {
        return call(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                bind(p, params);
                return p.executeUpdate();
            }
        });
    }

    /** Maps the current row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Runs one SELECT with the parameters in order and returns every row, mapped, in order. */
    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return call(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                bind(p, params);
                List<T> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(mapper.map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Runs one SELECT with the parameters in order and returns its first row, mapped; empty without one. */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        return call(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                bind(p, params);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Sets a statement's parameters, in order. */
    static void bind(PreparedStatement p, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            p.setObject(i + 1, params[i]);
        }
    }

    /** Runs work with a pooled connection in auto-commit mode. */
    <T> T call(SqlFunction<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. A transaction the
     * database chose as a deadlock victim is run again (twice at most): its work was rolled back whole.
     */
    <T> T transaction(SqlFunction<T> work) {
        for (int attempt = 1;; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.apply(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    // Errors too: setAutoCommit(true) below would otherwise commit the half-done work.
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt < 3 && isDeadlock(e)) {
                    LOG.debug("Deadlock, running the transaction again: {}", e.getMessage());
                    continue;
                }
                throw failed(e);
            }
        }
    }

    /**
     * A broken connection usually means the database restarted or dropped every connection: the pool's other
     * idle connections are dead too, so they are all replaced now rather than failing one request each.
     */
    private RuntimeException failed(SQLException e) {
        RuntimeException translated = translate(e);
        if (translated instanceof ParleyException p && p.status() == Status.UNAVAILABLE
                && pool.getHikariPoolMXBean() != null) {
            LOG.warn("Lost the database connection ({}); replacing the pool's connections", e.getMessage());
            pool.getHikariPoolMXBean().softEvictConnections();
        }
        return translated;
    }

    /** SQLState 40001: the database rolled the transaction back to break a deadlock or a serialization conflict. */
    static boolean isDeadlock(SQLException e) {
        return "40001".equals(e.getSQLState());
    }

    static boolean isDuplicateKey(SQLException e) {
        return e instanceof SQLIntegrityConstraintViolationException
                || (e.getSQLState() != null && e.getSQLState().startsWith("23"));
    }

    /**
     * A lost or refused connection answers UNAVAILABLE (a retry is safe); a value longer than its column
     * (SQLState 22001) is the client's BAD_REQUEST, which the callers' length checks should have caught; anything
     * else is a bug or a broken database and surfaces as INTERNAL through the transport, which logs it.
     */
    static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if ("22001".equals(state)) {
            return ParleyException.badRequest("A value is longer than this server stores.");
        }
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"))) {
            return ParleyException.unavailable("The database is unavailable; retry shortly.", e);
        }
        return new IllegalStateException("database error " + state + ": " + e.getMessage(), e);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
