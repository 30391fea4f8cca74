package io.parley.storage.jdbc.internal;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The databases Parley runs on, told apart by the JDBC URL. Each gives the driver's own DataSource to the
 * pool, so no DriverManager lookup has to see the driver bundle's classes.
 */
enum Dialect {
    H2 {
        @Override
        DataSource dataSource(String url, String user, String password) {
            JdbcDataSource ds = new JdbcDataSource();
            // MySQL mode lets one set of SQL serve both; lower-case names match MySQL's on Linux.
            // WRITE_DELAY=0 writes each commit out before the commit returns: a message answered OK must
            // survive the process being killed. LOCK_TIMEOUT covers inbox appends queued behind one another.
            // QUERY_CACHE_SIZE: each pooled session keeps its parsed statements; the default (8) is fewer
            // than the stores use, so statements were parsed again on most calls (7 % of CPU at peak).
            ds.setURL(url + (url.contains("MODE=") ? "" : ";MODE=MySQL;DATABASE_TO_LOWER=TRUE")
                    + (url.contains("WRITE_DELAY=") ? "" : ";WRITE_DELAY=0")
                    + (url.contains("LOCK_TIMEOUT=") ? "" : ";LOCK_TIMEOUT=10000")
                    + (url.contains("QUERY_CACHE_SIZE=") ? "" : ";QUERY_CACHE_SIZE=64"));
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }

        /** H2 returns the key of every row of a batched insert as it made it. */
        @Override
        boolean batchKeysExact(DataSource ds) {
            return true;
        }

        /** H2 does not move an identity column past ids inserted by hand. */
        @Override
        String restartIdentity(String table, long next) {
            return "ALTER TABLE " + table + " ALTER COLUMN id RESTART WITH " + next;
        }
    },
    MYSQL {
        @Override
        DataSource dataSource(String url, String user, String password) {
            MysqlDataSource ds = new MysqlDataSource();
            // MariaDB speaks the MySQL protocol; one driver serves both.
            String mysqlUrl = url.startsWith("jdbc:mariadb:") ? "jdbc:mysql:" + url.substring("jdbc:mariadb:".length()) : url;
            // utf8mb4 on the wire (emoji are 4 bytes); batched inserts sent as one statement for fan-out;
            // parsed statements kept per connection (HikariCP's advice for Connector/J: without the cache,
            // parsing in prepareStatement took 18 % of the server's CPU at peak).
            ds.setURL(mysqlUrl + (mysqlUrl.contains("?") ? "&" : "?")
                    + "characterEncoding=UTF-8&rewriteBatchedStatements=true"
                    + "&cachePrepStmts=true&prepStmtCacheSize=250&prepStmtCacheSqlLimit=2048");
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }

        /**
         * Connector/J sends a batch of inserts as one multi-row INSERT and reports its keys as consecutive from
         * the first one. InnoDB hands a multi-row insert consecutive ids unless innodb_autoinc_lock_mode is 2
         * ("interleaved", MySQL 8's default and Galera's), where another connection's insert may take ids
         * between them.
         */
        @Override
        boolean batchKeysExact(DataSource ds) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT @@innodb_autoinc_lock_mode")) {
                return rs.next() && rs.getInt(1) < 2;
            } catch (SQLException e) {
                return false;
            }
        }
    };

    /**
     * True when the keys a batched INSERT reports are the ids its rows got, so that a batch of new messages can
     * be inserted with one statement; false makes each message its own INSERT.
     */
    abstract boolean batchKeysExact(DataSource ds);

    abstract DataSource dataSource(String url, String user, String password);

    /**
     * The statement that makes the table's identity column go on from {@code next} after rows were inserted
     * with their ids; null where the database does that by itself (InnoDB moves AUTO_INCREMENT past them).
     */
    String restartIdentity(String table, long next) {
        return null;
    }

    static Dialect of(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("Unsupported JDBC URL (expected jdbc:h2:, jdbc:mysql: or jdbc:mariadb:): " + url);
    }
}
