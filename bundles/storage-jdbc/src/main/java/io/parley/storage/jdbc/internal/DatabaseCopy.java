package io.parley.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Copies every table of one Parley database into another (H2 to MySQL, for one), row by row with their keys:
 * a row already in the target is written again with the source's values, so a copy that was cut short simply
 * runs again. Meant for a stopped server. Both schemas are brought to the same version first.
 */
public final class DatabaseCopy {

    /** The tables and their keys, in the order they are copied. */
    static final Map<String, List<String>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("accounts", List.of("id"));
        TABLES.put("tokens", List.of("token_id"));
        TABLES.put("friendships", List.of("user_id", "friend_id"));
        TABLES.put("friend_requests", List.of("from_id", "to_id"));
        TABLES.put("chat_groups", List.of("id"));
        TABLES.put("group_members", List.of("group_id", "user_id"));
        TABLES.put("group_attributes", List.of("namespace", "group_id", "user_id", "name"));
        TABLES.put("messages", List.of("id"));
        TABLES.put("inbox", List.of("user_id", "seq"));
        TABLES.put("inbox_heads", List.of("user_id"));
        TABLES.put("inbox_cursors", List.of("user_id", "device"));
    }

    /** Tables whose id column the database hands out. */
    private static final List<String> IDENTITIES = List.of("accounts", "chat_groups", "messages");

    private static final int BATCH = 1000;

    private DatabaseCopy() {
    }

    /** The rows of a table in the source and in the target after the copy. */
    public record Count(String table, long source, long target) {
        public boolean matches() {
            return source == target;
        }
    }

    /** Copies every table; {@code progress} hears a line per table. Returns the counts of both, per table. */
    public static List<Count> copy(JdbcDatabase from, JdbcDatabase to, Consumer<String> progress) {
        List<Count> counts = new ArrayList<>();
        for (Map.Entry<String, List<String>> t : TABLES.entrySet()) {
            long copied = from.call(source -> to.call(target -> copyTable(source, target, t.getKey(), t.getValue())));
            if (IDENTITIES.contains(t.getKey())) {
                to.moveIdentityPastRows(t.getKey());
            }
            Count count = new Count(t.getKey(), count(from, t.getKey()), count(to, t.getKey()));
            counts.add(count);
            progress.accept(String.format("%-18s %,12d rows copied; source %,d, target %,d%s", t.getKey(), copied,
                    count.source(), count.target(), count.matches() ? "" : "  <- DIFFERENT"));
        }
        return counts;
    }

    /** Counts the rows of every table, without copying. */
    public static List<Count> compare(JdbcDatabase from, JdbcDatabase to) {
        return TABLES.keySet().stream().map(t -> new Count(t, count(from, t), count(to, t))).toList();
    }

    private static long count(JdbcDatabase db, String table) {
        return db.queryOne("SELECT COUNT(*) FROM " + table, rs -> rs.getLong(1)).orElse(0L);
    }

    private static long copyTable(Connection source, Connection target, String table, List<String> keys)
            throws SQLException {
        long copied = 0;
        try (Statement read = source.createStatement()) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
                }
                String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                        + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")"
                        + upsert(columns, keys);
                boolean autoCommit = target.getAutoCommit();
                target.setAutoCommit(false);
                try (PreparedStatement write = target.prepareStatement(sql)) {
                    int n = 0;
                    while (rs.next()) {
                        for (int i = 1; i <= columns.size(); i++) {
                            write.setObject(i, rs.getObject(i));
                        }
                        write.addBatch();
                        copied++;
                        if (++n == BATCH) {
                            write.executeBatch();
                            target.commit();
                            n = 0;
                        }
                    }
                    write.executeBatch();
                    target.commit();
                } catch (SQLException | RuntimeException e) {
                    target.rollback();
                    throw e;
                } finally {
                    target.setAutoCommit(autoCommit);
                }
            }
        }
        return copied;
    }

    /** ON DUPLICATE KEY UPDATE of every column not in the key (both MySQL and H2's MySQL mode take it). */
    private static String upsert(List<String> columns, List<String> keys) {
        List<String> values = columns.stream().filter(c -> !keys.contains(c)).toList();
        if (values.isEmpty()) {
            return " ON DUPLICATE KEY UPDATE " + keys.get(0) + " = " + keys.get(0);
        }
        return " ON DUPLICATE KEY UPDATE " + values.stream().map(c -> c + " = VALUES(" + c + ")")
                .collect(Collectors.joining(", "));
    }
}
