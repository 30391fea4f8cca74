/**
 * Relational storage for Parley's store SPIs: H2 in a file (the embedded default) or MySQL/MariaDB, through a
 * HikariCP pool. One set of SQL serves both: H2 runs in MySQL mode. The schema is created and upgraded at
 * activation by {@link io.parley.storage.jdbc.internal.SchemaMigrator} from the numbered scripts in
 * {@code db/migration}. Connection failures answer UNAVAILABLE, so a client knows a retry is safe.
 */
package io.parley.storage.jdbc.internal;
