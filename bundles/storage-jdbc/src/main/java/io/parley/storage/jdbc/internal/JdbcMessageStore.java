package io.parley.storage.jdbc.internal;

import io.parley.api.message.InboxEntry;
import io.parley.api.metrics.Gauges;
import io.parley.api.metrics.Meters;
import io.parley.api.serialization.RawJson;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages, inboxes and device cursors in the {@code messages}, {@code inbox*} tables. Appends go through
 * group commit: under load many share one transaction, and each returns after its commit. Acks are written
 * behind: a cursor waits up to {@code ackWriteDelayMs} so that the acks of that time share one commit (an
 * ack moved the cursor of every message before: at peak it cost as much as the message's own append).
 */
@Component(service = MessageStore.class, property = "parley.store=jdbc", configurationPid = "io.parley.storage.jdbc")
public final class JdbcMessageStore implements MessageStore, MessageArchive {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMessageStore.class);

    private static final String ENTRY = "SELECT i.seq, m.id, m.kind, s.username, r.username, m.group_id, m.body, "
            + "m.event_json, m.created_at FROM inbox i JOIN messages m ON m.id = i.message_id "
            + "JOIN accounts s ON s.id = m.sender_id LEFT JOIN accounts r ON r.id = m.recipient_id ";

    /** Rows per JDBC batch when a group message fans out to many inboxes. */
    private static final int BATCH = 500;

    /** Most writes one group commit carries. */
    private static final int MAX_GROUP = 256;

    /**
     * One write of this store: a new message, or acked cursors. Appends and acks share one commit stream: under
     * load a commit carries both, where two streams would each pay for their own commits of the same database file.
     */
    private sealed interface Write permits Append, CursorWrite {
    }

    /** A new message and the users whose inboxes get an entry for it (each once, in ascending order). */
    private record Append(NewMessage message, TreeSet<Long> owners) implements Write {
    }

    private record CursorWrite(Map<Cursor, Long> cursors) implements Write {
    }

    private final JdbcDatabase db;
    private final GroupCommit<Write, Object> writes;
    private final AckBuffer acks;
    private final JdbcArchive archive;

    @Activate
    public JdbcMessageStore(@Reference JdbcDatabase db, JdbcConfiguration config) {
        this(db, config.ackWriteDelayMs());
    }

    /** Outside OSGi (tests, tools): each ack is written before {@link #ack} returns. */
    public JdbcMessageStore(JdbcDatabase db) {
        this(db, 0);
    }

    /** Outside OSGi: {@code ackWriteDelayMs} 0 writes each ack before {@link #ack} returns. */
    public JdbcMessageStore(JdbcDatabase db, long ackWriteDelayMs) {
        this.db = db;
        this.archive = new JdbcArchive(db);
        this.writes = new GroupCommit<>(db, this::write, MAX_GROUP);
        this.acks = ackWriteDelayMs > 0 ? new AckBuffer(ackWriteDelayMs) : null;
    }

    /** The queue-depth gauge of the Meters bound now. */
    private final Gauges gauges = new Gauges();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMeters(Meters meters) {
        writes.useMeters(meters);
        gauges.add(meters.gauge("parley.jdbc.queue", "Writes waiting for the database's next group commit",
                writes::queued));
    }

    synchronized void unbindMeters(Meters meters) {
        writes.useMeters(null);
        gauges.closeAll();
    }

    /** Writes the acks still waiting, so a clean stop or a reconfiguration keeps every one of them. */
    @Deactivate
    void deactivate() {
        if (acks != null) {
            acks.close();
        }
    }

    /**
     * A resent cid is found by the unique key (sender_id, cid) when its insert fails, not by a read before
     * every insert: retries are rare, sends are not.
     */
    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        try {
            return (Appended) writes.submit(new Append(message, new TreeSet<>(inboxOwners)));
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

    /**
     * Writes one group commit's batch. Its appends share four statements whatever their number: one INSERT of
     * the messages, one moving every owner's head on by its entries in the batch, one reading the heads back, and
     * one INSERT of the inbox entries. (Statement by statement, a 1:1 message took four round trips of its own:
     * at peak the database and the driver spent their time on those.) Results in the batch's order.
     */
    private List<Object> write(Connection c, List<Write> batch) throws SQLException {
        List<Append> appends = new ArrayList<>();
        for (Write w : batch) {
            if (w instanceof Append a) {
                appends.add(a);
            }
        }
        Iterator<Appended> appended = appends.isEmpty() ? Collections.emptyIterator() : insert(c, appends).iterator();
        List<Object> out = new ArrayList<>(batch.size());
        for (Write w : batch) {
            if (w instanceof CursorWrite cursors) {
                upsertCursors(c, cursors.cursors());
                out.add(null);
            } else {
                out.add(appended.next());
            }
        }
        return out;
    }

    private List<Appended> insert(Connection c, List<Append> appends) throws SQLException {
        long[] ids = insertMessages(c, appends);
        // Ascending owner order: two batches that share owners lock their heads in the same order.
        TreeMap<Long, Integer> entries = new TreeMap<>();
        for (Append a : appends) {
            for (long owner : a.owners()) {
                entries.merge(owner, 1, Integer::sum);
            }
        }
        Map<Long, Long> heads = moveHeads(c, entries);
        // The batch's entries of an owner take the seqs after the head it had, in the batch's order.
        Map<Long, Long> next = new HashMap<>();
        entries.forEach((owner, n) -> next.put(owner, heads.get(owner) - n + 1));
        List<Appended> out = new ArrayList<>(appends.size());
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO inbox (user_id, seq, message_id, peer_id, group_id) VALUES (?, ?, ?, ?, ?)")) {
            int rows = 0;
            for (int i = 0; i < appends.size(); i++) {
                NewMessage message = appends.get(i).message();
                Map<Long, Long> seqs = new HashMap<>();
                for (long owner : appends.get(i).owners()) {
                    long seq = next.merge(owner, 1L, Long::sum) - 1;
                    seqs.put(owner, seq);
                    p.setLong(1, owner);
                    p.setLong(2, seq);
                    p.setLong(3, ids[i]);
                    p.setObject(4, peerOf(message, owner));
                    p.setObject(5, message.groupId());
                    p.addBatch();
                    if (++rows % BATCH == 0) {
                        p.executeBatch();
                    }
                }
                out.add(new Appended(ids[i], message.ts(), seqs, false));
            }
            p.executeBatch();
        }
        return out;
    }

    /**
     * Inserts the messages and returns their ids in order: with one batched statement where the database reports
     * each row's id exactly ({@link JdbcDatabase#batchKeysExact}), else one statement each. A cid the sender
     * used before fails the whole statement; the group commit then runs each append alone, and the one that
     * clashes learns it.
     */
    private long[] insertMessages(Connection c, List<Append> appends) throws SQLException {
        long[] ids = new long[appends.size()];
        boolean batched = appends.size() > 1 && db.batchKeysExact();
        try (PreparedStatement p = c.prepareStatement("INSERT INTO messages (sender_id, recipient_id, group_id, "
                + "kind, body, event_json, cid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < appends.size(); i++) {
                NewMessage message = appends.get(i).message();
                p.setLong(1, message.senderId());
                p.setObject(2, message.recipientId());
                p.setObject(3, message.groupId());
                p.setString(4, message.kind());
                p.setString(5, message.text());
                p.setString(6, message.eventJson());
                p.setString(7, message.cid());
                p.setLong(8, message.ts());
                if (batched) {
                    p.addBatch();
                } else {
                    p.executeUpdate();
                    readKeys(p, ids, i, 1);
                }
            }
            if (batched) {
                p.executeBatch();
                readKeys(p, ids, 0, ids.length);
            }
        } catch (SQLException e) {
            if (JdbcDatabase.isDuplicateKey(e)) {
                throw new DuplicateCid(e);
            }
            throw e;
        }
        return ids;
    }

    private static void readKeys(PreparedStatement p, long[] ids, int from, int count) throws SQLException {
        int read = 0;
        try (ResultSet keys = p.getGeneratedKeys()) {
            while (read < count && keys.next()) {
                ids[from + read++] = keys.getLong(1);
            }
        }
        if (read < count) {
            throw new SQLException("The database reported " + read + " ids for " + count + " new messages");
        }
    }

    /** The other party of a 1:1 message from the owner's side; null for group entries. */
    private static Long peerOf(NewMessage message, long owner) {
        if (message.recipientId() == null) {
            return null;
        }
        return owner == message.senderId() ? message.recipientId() : Long.valueOf(message.senderId());
    }

    /**
     * Moves each owner's head on by its number of new entries and returns the new heads. On MySQL and MariaDB
     * one upsert does it for every owner. On H2, UPDATE first and INSERT only an inbox's first head: H2 runs
     * ON DUPLICATE KEY UPDATE as an insert that fails with an exception, which cost 7 % of the CPU at peak when
     * every append went that way.
     */
    private Map<Long, Long> moveHeads(Connection c, TreeMap<Long, Integer> entries) throws SQLException {
        if (db.dialect() == Dialect.MYSQL) {
            // VALUES(last_seq), not a parameter: the driver then sends the batch as one multi-row statement.
            executeForEach(c, "INSERT INTO inbox_heads (user_id, last_seq) VALUES (?, ?) "
                    + "ON DUPLICATE KEY UPDATE last_seq = last_seq + VALUES(last_seq)", entries, true);
            return heads(c, entries.keySet());
        }
        executeForEach(c, "UPDATE inbox_heads SET last_seq = last_seq + ? WHERE user_id = ?", entries, false);
        Map<Long, Long> seqs = heads(c, entries.keySet());
        if (seqs.size() < entries.size()) {
            TreeMap<Long, Integer> fresh = new TreeMap<>(entries);
            fresh.keySet().removeAll(seqs.keySet());
            // ON DUPLICATE KEY: another node's append may have made the row since the UPDATE.
            executeForEach(c, "INSERT INTO inbox_heads (user_id, last_seq) VALUES (?, ?) "
                    + "ON DUPLICATE KEY UPDATE last_seq = last_seq + VALUES(last_seq)", fresh, true);
            seqs.putAll(heads(c, fresh.keySet()));
        }
        return seqs;
    }

    /** Runs a statement for each owner and its count, in JDBC batches; the owner first or the count first. */
    private static void executeForEach(Connection c, String sql, Map<Long, Integer> counts, boolean ownerFirst)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            int n = 0;
            for (Map.Entry<Long, Integer> e : counts.entrySet()) {
                p.setLong(ownerFirst ? 1 : 2, e.getKey());
                p.setLong(ownerFirst ? 2 : 1, e.getValue());
                p.addBatch();
                if (++n % BATCH == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
    }

    private static Map<Long, Long> heads(Connection c, Collection<Long> owners) throws SQLException {
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
        return db.queryOne("SELECT id, created_at FROM messages WHERE sender_id = ? AND cid = ?",
                rs -> new Appended(rs.getLong(1), rs.getLong(2), Map.of(), true), senderId, cid);
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        return entries(ENTRY + "WHERE i.user_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?", userId, after, limit);
    }

    @Override
    public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
        String column;
        long id;
        if (conversation instanceof Conversation.Peer peer) {
            column = "i.peer_id";
            id = peer.userId();
        } else {
            column = "i.group_id";
            id = ((Conversation.Group) conversation).groupId();
        }
        return entries(ENTRY + "WHERE i.user_id = ? AND " + column + " = ? AND i.seq < ? ORDER BY i.seq DESC LIMIT ?",
                userId, id, beforeSeq, limit);
    }

    private List<InboxEntry> entries(String sql, Object... params) {
        return db.query(sql, rs -> {
            long group = rs.getLong(6);
            Long groupId = rs.wasNull() ? null : group;
            String event = rs.getString(8);
            return new InboxEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    groupId, rs.getString(7), event == null ? null : new RawJson(event), rs.getLong(9));
        }, params);
    }

    @Override
    public int deleteBefore(long cutoffMs, int limit) {
        return db.transaction(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT id FROM messages WHERE created_at < ? ORDER BY created_at, id LIMIT ?")) {
                JdbcDatabase.bind(p, cutoffMs, Math.max(1, limit));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
            for (String table : new String[] {"inbox WHERE message_id", "messages WHERE id"}) {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " IN (" + marks + ")")) {
                    JdbcDatabase.bind(p, ids.toArray());
                    p.executeUpdate();
                }
            }
            return ids.size();
        });
    }

    @Override
    public long erase(long userId) {
        if (acks != null) {
            acks.forget(userId);
        }
        return db.transaction(c -> {
            int entries;
            try (PreparedStatement p = c.prepareStatement("DELETE FROM inbox WHERE user_id = ?")) {
                JdbcDatabase.bind(p, userId);
                entries = p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM inbox_cursors WHERE user_id = ?")) {
                JdbcDatabase.bind(p, userId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM messages WHERE (sender_id = ? OR recipient_id = ?) "
                    + "AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.message_id = messages.id)")) {
                JdbcDatabase.bind(p, userId, userId);
                p.executeUpdate();
            }
            return (long) entries;
        });
    }

    @Override
    public Optional<Archived> find(long ownerId, long msgId) {
        return archive.find(ownerId, msgId);
    }

    /** Deletes the message's inbox rows and then the message, in one transaction. */
    @Override
    public int delete(Archived found) {
        return db.transaction(c -> {
            int entries;
            try (PreparedStatement p = c.prepareStatement("DELETE FROM inbox WHERE message_id = ?")) {
                JdbcDatabase.bind(p, found.msgId());
                entries = p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM messages WHERE id = ?")) {
                JdbcDatabase.bind(p, found.msgId());
                p.executeUpdate();
            }
            return entries;
        });
    }

    @Override
    public long lastSeq(long userId) {
        return single("SELECT last_seq FROM inbox_heads WHERE user_id = ?", userId);
    }

    @Override
    public long acked(long userId, String device) {
        long written = single("SELECT acked FROM inbox_cursors WHERE user_id = ? AND device = ?", userId, device);
        return acks == null ? written : Math.max(written, acks.unwritten(userId, device));
    }

    private long single(String sql, Object... params) {
        return db.queryOne(sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    @Override
    public void ack(long userId, String device, long seq) {
        if (acks != null) {
            acks.add(new Cursor(userId, device), seq);
        } else {
            writes.submit(new CursorWrite(Map.of(new Cursor(userId, device), seq)));
        }
    }

    private record Cursor(long userId, String device) {
    }

    /** Moves cursors forward, never back; UPDATE first and INSERT only a device's first cursor (see nextSeqs). */
    private static void upsertCursors(Connection c, Map<Cursor, Long> cursors) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE inbox_cursors SET acked = GREATEST(acked, ?) WHERE user_id = ? AND device = ?");
                PreparedStatement insert = c.prepareStatement("INSERT INTO inbox_cursors (user_id, device, acked) "
                        + "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE acked = GREATEST(acked, VALUES(acked))")) {
            for (Map.Entry<Cursor, Long> e : cursors.entrySet()) {
                JdbcDatabase.bind(update, e.getValue(), e.getKey().userId(), e.getKey().device());
                // One statement at a time: a batch's counts are not always per row on MySQL.
                if (update.executeUpdate() == 0) {
                    JdbcDatabase.bind(insert, e.getKey().userId(), e.getKey().device(), e.getValue());
                    insert.executeUpdate();
                }
            }
        }
    }

    /**
     * Acked cursors not yet written, the highest seq per device. A flusher writes them all in one transaction
     * each period and forgets a cursor only after its commit, so {@link #acked} never goes back.
     */
    private final class AckBuffer {
        private final Map<Cursor, Long> unwritten = new ConcurrentHashMap<>();
        private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-ack-writer");
            t.setDaemon(true);
            return t;
        });

        AckBuffer(long periodMs) {
            flusher.scheduleWithFixedDelay(this::flush, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }

        void add(Cursor cursor, long seq) {
            unwritten.merge(cursor, seq, Math::max);
        }

        /** Drops the user's cursors not yet written: the user is being erased. */
        void forget(long userId) {
            unwritten.keySet().removeIf(cursor -> cursor.userId() == userId);
        }

        long unwritten(long userId, String device) {
            return unwritten.getOrDefault(new Cursor(userId, device), 0L);
        }

        /** True while writes fail: one WARN when they start failing and one INFO when they work again. */
        private boolean failing;

        void flush() {
            if (unwritten.isEmpty()) {
                return;
            }
            Map<Cursor, Long> batch = new HashMap<>(unwritten);
            try {
                writes.submit(new CursorWrite(batch));
                // A cursor acked again meanwhile keeps its newer seq for the next flush.
                batch.forEach(unwritten::remove);
                if (failing) {
                    failing = false;
                    LOG.info("Acked cursors are written again");
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    failing = true;
                    LOG.warn("Could not write {} acked cursors; they stay in memory and are tried again every "
                            + "period until the database answers ({})", batch.size(), e.getMessage());
                }
            }
        }

        void close() {
            flusher.shutdown();
            try {
                flusher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flush();
            if (!unwritten.isEmpty()) {
                LOG.warn("{} acked cursors were not written; those entries will be delivered again", unwritten.size());
            }
        }
    }

    // ---- moving messages to and from another store (bin/parley-migrate)

    @Override
    public void exportMessages(java.util.function.Consumer<Archived> each) {
        archive.exportMessages(each);
    }

    @Override
    public Map<Long, Long> exportHeads() {
        return archive.exportHeads();
    }

    @Override
    public List<MessageArchive.Cursor> exportCursors() {
        return archive.exportCursors();
    }

    @Override
    public void importMessages(List<Archived> batch) {
        archive.importMessages(batch);
    }

    @Override
    public void importHeads(Map<Long, Long> heads) {
        archive.importHeads(heads);
    }

    @Override
    public void importCursors(List<MessageArchive.Cursor> cursors) {
        archive.importCursors(cursors);
    }

    @Override
    public Counts counts() {
        return archive.counts();
    }
}
