package io.parley.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection that may throw SQLException. */
@FunctionalInterface
interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
}
