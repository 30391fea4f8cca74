package io.parley.storage.jdbc.internal;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The databases Parley runs on, told apart by the JDBC URL. */
enum Dialect {
    H2 {
        @Override
        DataSource dataSource(String url, String user, String password) {
            JdbcDataSource ds = new JdbcDataSource();
            // MySQL mode lets one set of SQL serve both; lower-case names match MySQL's on Linux.
            // WRITE_DELAY=0 writes each commit out before the commit returns: a message answered OK must
            // survive the process being killed. LOCK_TIMEOUT covers inbox appends queued behind one another.
            ds.setURL(url + (url.contains("MODE=") ? "" : ";MODE=MySQL;DATABASE_TO_LOWER=TRUE")
                    + (url.contains("WRITE_DELAY=") ? "" : ";WRITE_DELAY=0")
                    + (url.contains("LOCK_TIMEOUT=") ? "" : ";LOCK_TIMEOUT=10000"));
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }
    };

    abstract DataSource dataSource(String url, String user, String password);

    static Dialect of(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        throw new IllegalArgumentException("Unsupported JDBC URL (expected jdbc:h2:...): " + url);
    }
}
