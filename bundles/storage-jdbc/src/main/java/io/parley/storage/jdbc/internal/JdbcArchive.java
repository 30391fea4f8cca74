package io.parley.storage.jdbc.internal;

import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageArchive.Archived;
import io.parley.api.store.NewMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The database's side of moving messages between stores ({@link MessageArchive}): messages by id with their
 * inbox rows, and loading them with their ids, seqs, heads and cursors as they were.
 */
final class JdbcArchive {

    private static final int PAGE = 1000;

    private final JdbcDatabase db;

    JdbcArchive(JdbcDatabase db) {
        this.db = db;
    }

    private static Long nullable(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** A message row with its sender's and recipient's names, without its entries. */
    private static final String MESSAGE = "SELECT m.id, m.sender_id, s.username, m.recipient_id, r.username, "
            + "m.group_id, m.kind, m.body, m.event_json, m.cid, m.created_at FROM messages m "
            + "LEFT JOIN accounts s ON s.id = m.sender_id LEFT JOIN accounts r ON r.id = m.recipient_id ";

    private static Archived message(ResultSet rs) throws SQLException {
        return new Archived(rs.getLong(1), new NewMessage(rs.getLong(2), rs.getString(3), nullable(rs, 4),
                rs.getString(5), nullable(rs, 6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getLong(11)), Map.of());
    }

    /** The message with every inbox row holding it, if the owner's inbox is one of them. */
    Optional<Archived> find(long ownerId, long msgId) {
        Map<Long, Long> entries = new TreeMap<>();
        db.query("SELECT user_id, seq FROM inbox WHERE message_id = ?", rs -> entries.put(rs.getLong(1),
                rs.getLong(2)), msgId);
        if (!entries.containsKey(ownerId)) {
            return Optional.empty();
        }
        return db.queryOne(MESSAGE + "WHERE m.id = ?", JdbcArchive::message, msgId)
                .map(m -> new Archived(m.msgId(), m.message(), entries));
    }

    void exportMessages(Consumer<Archived> each) {
        for (long after = 0;;) {
            List<Archived> page = db.query(MESSAGE + "WHERE m.id > ? ORDER BY m.id LIMIT " + PAGE,
                    JdbcArchive::message, after);
            if (page.isEmpty()) {
                return;
            }
            long first = page.get(0).msgId();
            after = page.get(page.size() - 1).msgId();
            Map<Long, Map<Long, Long>> entries = new HashMap<>();
            db.query("SELECT message_id, user_id, seq FROM inbox WHERE message_id BETWEEN ? AND ?", rs -> {
                entries.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getLong(2), rs.getLong(3));
                return null;
            }, first, after);
            for (Archived m : page) {
                Map<Long, Long> held = entries.get(m.msgId());
                if (held != null) {
                    each.accept(new Archived(m.msgId(), m.message(), held));
                }
            }
        }
    }

    Map<Long, Long> exportHeads() {
        Map<Long, Long> heads = new TreeMap<>();
        db.query("SELECT user_id, last_seq FROM inbox_heads WHERE last_seq > 0", rs -> heads.put(rs.getLong(1),
                rs.getLong(2)));
        return heads;
    }

    List<MessageArchive.Cursor> exportCursors() {
        return db.query("SELECT user_id, device, acked FROM inbox_cursors",
                rs -> new MessageArchive.Cursor(rs.getLong(1), rs.getString(2), rs.getLong(3)));
    }

    /**
     * Inserts the messages not there yet, with their ids and inbox rows, in one transaction. A cid another
     * message of the same sender already has is left out (the message is kept): it only serves to answer a
     * retry, and two messages cannot share it here.
     */
    void importMessages(List<Archived> batch) {
        if (batch.isEmpty()) {
            return;
        }
        String ids = batch.stream().map(m -> Long.toString(m.msgId())).collect(Collectors.joining(","));
        Set<Long> there = new HashSet<>(db.query("SELECT id FROM messages WHERE id IN (" + ids + ")",
                rs -> rs.getLong(1)));
        List<Archived> fresh = new ArrayList<>();
        for (Archived m : batch) {
            if (!there.contains(m.msgId()) && !m.entries().isEmpty()) {
                fresh.add(m);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        db.transaction(c -> {
            for (Archived m : fresh) {
                insertMessage(c, m);
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO inbox (user_id, seq, message_id, peer_id, group_id) VALUES (?, ?, ?, ?, ?)")) {
                for (Archived m : fresh) {
                    NewMessage n = m.message();
                    for (Map.Entry<Long, Long> e : m.entries().entrySet()) {
                        long owner = e.getKey();
                        p.setLong(1, owner);
                        p.setLong(2, e.getValue());
                        p.setLong(3, m.msgId());
                        p.setObject(4, n.recipientId() == null ? null
                                : owner == n.senderId() ? n.recipientId() : Long.valueOf(n.senderId()));
                        p.setObject(5, n.groupId());
                        p.addBatch();
                    }
                }
                p.executeBatch();
            }
            return null;
        });
        db.moveIdentityPastRows("messages");
    }

    private static void insertMessage(Connection c, Archived m) throws SQLException {
        NewMessage n = m.message();
        String sql = "INSERT INTO messages (id, sender_id, recipient_id, group_id, kind, body, event_json, cid, "
                + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            JdbcDatabase.bind(p, m.msgId(), n.senderId(), n.recipientId(), n.groupId(), n.kind(), n.text(),
                    n.eventJson(), n.cid(), n.ts());
            p.executeUpdate();
        } catch (SQLException e) {
            if (n.cid() == null || !JdbcDatabase.isDuplicateKey(e)) {
                throw e;
            }
            try (PreparedStatement p = c.prepareStatement(sql)) {
                JdbcDatabase.bind(p, m.msgId(), n.senderId(), n.recipientId(), n.groupId(), n.kind(), n.text(),
                        n.eventJson(), null, n.ts());
                p.executeUpdate();
            }
        }
    }

    /** Raises each row to at least the value given, and adds the rows missing. */
    void importHeads(Map<Long, Long> heads) {
        db.transaction(c -> {
            for (Map.Entry<Long, Long> h : heads.entrySet()) {
                raise(c, "UPDATE inbox_heads SET last_seq = ? WHERE user_id = ? AND last_seq < ?",
                        "INSERT INTO inbox_heads (user_id, last_seq) SELECT ?, ? FROM DUAL WHERE NOT EXISTS "
                                + "(SELECT 1 FROM inbox_heads WHERE user_id = ?)",
                        h.getValue(), new Object[] {h.getKey()});
            }
            return null;
        });
    }

    void importCursors(List<MessageArchive.Cursor> cursors) {
        db.transaction(c -> {
            for (MessageArchive.Cursor cursor : cursors) {
                raise(c, "UPDATE inbox_cursors SET acked = ? WHERE user_id = ? AND device = ? AND acked < ?",
                        "INSERT INTO inbox_cursors (user_id, device, acked) SELECT ?, ?, ? FROM DUAL WHERE NOT EXISTS "
                                + "(SELECT 1 FROM inbox_cursors WHERE user_id = ? AND device = ?)",
                        cursor.acked(), new Object[] {cursor.userId(), cursor.device()});
            }
            return null;
        });
    }

    /** UPDATE value, key..., value; then INSERT key..., value, key... when the row is not there. */
    private static void raise(Connection c, String update, String insert, long value, Object[] key)
            throws SQLException {
        Object[] u = new Object[key.length + 2];
        u[0] = value;
        System.arraycopy(key, 0, u, 1, key.length);
        u[key.length + 1] = value;
        try (PreparedStatement p = c.prepareStatement(update)) {
            JdbcDatabase.bind(p, u);
            p.executeUpdate();
        }
        Object[] i = new Object[key.length * 2 + 1];
        System.arraycopy(key, 0, i, 0, key.length);
        i[key.length] = value;
        System.arraycopy(key, 0, i, key.length + 1, key.length);
        try (PreparedStatement p = c.prepareStatement(insert)) {
            JdbcDatabase.bind(p, i);
            p.executeUpdate();
        }
    }

    MessageArchive.Counts counts() {
        return new MessageArchive.Counts(
                count("SELECT COUNT(*) FROM messages m WHERE EXISTS (SELECT 1 FROM inbox i WHERE i.message_id = m.id)"),
                count("SELECT COUNT(*) FROM inbox"), count("SELECT COUNT(*) FROM inbox_heads WHERE last_seq > 0"),
                count("SELECT COUNT(*) FROM inbox_cursors"));
    }

    private long count(String sql) {
        return db.queryOne(sql, rs -> rs.getLong(1)).orElse(0L);
    }
}
