package io.parley.storage.jdbc.internal;

import io.parley.api.message.InboxEntry;
import io.parley.api.serialization.RawJson;
import io.parley.api.store.Appended;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Messages, inboxes and device cursors in the {@code messages}, {@code inbox*} tables. Appends and acks go
 * through group commit: under load many share one transaction, and each returns after its commit.
 */
@Component(service = MessageStore.class, property = "parley.store=jdbc")
public final class JdbcMessageStore implements MessageStore {

    private static final String ENTRY = "SELECT i.seq, m.id, m.kind, s.username, r.username, m.group_id, m.body, "
            + "m.event_json, m.created_at FROM inbox i JOIN messages m ON m.id = i.message_id "
            + "JOIN accounts s ON s.id = m.sender_id LEFT JOIN accounts r ON r.id = m.recipient_id ";

    /** Rows per JDBC batch when a group message fans out to many inboxes. */
    private static final int BATCH = 500;

    /** Most writes one group commit carries. */
    private static final int MAX_GROUP = 256;

    private record AppendWrite(NewMessage message, Collection<Long> owners) {
    }

    private record AckWrite(long userId, String device, long seq) {
    }

    private final JdbcDatabase db;
    private final GroupCommit<AppendWrite, Appended> appends;
    private final GroupCommit<AckWrite, Integer> acks;

    @Activate
    public JdbcMessageStore(@Reference JdbcDatabase db) {
        this.db = db;
        this.appends = new GroupCommit<>(db, (c, w) -> insert(c, w.message(), w.owners()), MAX_GROUP);
        this.acks = new GroupCommit<>(db, JdbcMessageStore::upsertCursor, MAX_GROUP);
    }

    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        if (message.cid() != null) {
            Optional<Appended> earlier = findByCid(message.senderId(), message.cid());
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        try {
            return appends.submit(new AppendWrite(message, inboxOwners));
        } catch (DuplicateCid e) {
            // A concurrent retry with the same cid committed first: answer with its message.
            return findByCid(message.senderId(), message.cid()).orElseThrow(() -> e);
        }
    }

    private static final class DuplicateCid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateCid(SQLException cause) {
            super(cause);
        }
    }

    private Appended insert(Connection c, NewMessage message, Collection<Long> inboxOwners) throws SQLException {
        long msgId;
        try (PreparedStatement p = c.prepareStatement("INSERT INTO messages (sender_id, recipient_id, group_id, "
                + "kind, body, event_json, cid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            p.setLong(1, message.senderId());
            p.setObject(2, message.recipientId());
            p.setObject(3, message.groupId());
            p.setString(4, message.kind());
            p.setString(5, message.text());
            p.setString(6, message.eventJson());
            p.setString(7, message.cid());
            p.setLong(8, message.ts());
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                msgId = keys.getLong(1);
            }
        } catch (SQLException e) {
            if (JdbcDatabase.isDuplicateKey(e)) {
                throw new DuplicateCid(e);
            }
            throw e;
        }
        // Ascending owner order: two appends that share owners lock their heads in the same order.
        TreeSet<Long> owners = new TreeSet<>(inboxOwners);
        Map<Long, Long> seqs = nextSeqs(c, owners);
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO inbox (user_id, seq, message_id, peer_id, group_id) VALUES (?, ?, ?, ?, ?)")) {
            int n = 0;
            for (long owner : owners) {
                p.setLong(1, owner);
                p.setLong(2, seqs.get(owner));
                p.setLong(3, msgId);
                p.setObject(4, peerOf(message, owner));
                p.setObject(5, message.groupId());
                p.addBatch();
                if (++n % BATCH == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
        return new Appended(msgId, message.ts(), seqs, false);
    }

    /** The other party of a 1:1 message from the owner's side; null for group entries. */
    private static Long peerOf(NewMessage message, long owner) {
        if (message.recipientId() == null) {
            return null;
        }
        return owner == message.senderId() ? message.recipientId() : Long.valueOf(message.senderId());
    }

    private static Map<Long, Long> nextSeqs(Connection c, TreeSet<Long> owners) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO inbox_heads (user_id, last_seq) VALUES (?, 1) "
                + "ON DUPLICATE KEY UPDATE last_seq = last_seq + 1")) {
            int n = 0;
            for (long owner : owners) {
                p.setLong(1, owner);
                p.addBatch();
                if (++n % BATCH == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
        Map<Long, Long> seqs = new HashMap<>();
        List<Long> all = new ArrayList<>(owners);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + BATCH));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT user_id, last_seq FROM inbox_heads WHERE user_id IN (" + marks + ")")) {
                JdbcDatabase.bind(p, chunk.toArray());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        seqs.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
        }
        return seqs;
    }

    @Override
    public Optional<Appended> findByCid(long senderId, String cid) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id, created_at FROM messages WHERE sender_id = ? AND cid = ?")) {
                p.setLong(1, senderId);
                p.setString(2, cid);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(new Appended(rs.getLong(1), rs.getLong(2), Map.of(), true))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        return entries(ENTRY + "WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?", userId, after, limit);
    }

    @Override
    public List<InboxEntry> history(long userId, Long peerId, Long groupId, long beforeSeq, int limit) {
        if ((peerId == null) == (groupId == null)) {
            throw new IllegalArgumentException("history needs a peer or a group, not both");
        }
        String column = peerId != null ? "i.peer_id" : "i.group_id";
        return entries(ENTRY + "WHERE i.user_id = ? AND " + column + " = ? AND i.seq < ? ORDER BY i.seq DESC LIMIT ?",
                userId, peerId != null ? peerId : groupId, beforeSeq, limit);
    }

    private List<InboxEntry> entries(String sql, Object... params) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                JdbcDatabase.bind(p, params);
                List<InboxEntry> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        long group = rs.getLong(6);
                        Long groupId = rs.wasNull() ? null : group;
                        String event = rs.getString(8);
                        out.add(new InboxEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), groupId, rs.getString(7), event == null ? null : new RawJson(event),
                                rs.getLong(9)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public long lastSeq(long userId) {
        return single("SELECT last_seq FROM inbox_heads WHERE user_id = ?", userId);
    }

    @Override
    public long acked(long userId, String device) {
        return single("SELECT acked FROM inbox_cursors WHERE user_id = ? AND device = ?", userId, device);
    }

    private long single(String sql, Object... params) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                JdbcDatabase.bind(p, params);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void ack(long userId, String device, long seq) {
        acks.submit(new AckWrite(userId, device, seq));
    }

    private static int upsertCursor(Connection c, AckWrite w) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO inbox_cursors (user_id, device, acked) VALUES "
                + "(?, ?, ?) ON DUPLICATE KEY UPDATE acked = GREATEST(acked, VALUES(acked))")) {
            p.setLong(1, w.userId());
            p.setString(2, w.device());
            p.setLong(3, w.seq());
            return p.executeUpdate();
        }
    }
}
