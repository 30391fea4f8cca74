package io.parley.storage.jdbc.internal;

import io.parley.api.store.FriendStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Friendships and friend requests in the {@code friendships} and {@code friend_requests} tables. */
@Component(service = FriendStore.class)
public final class JdbcFriendStore implements FriendStore {

    private static final String PENDING = "SELECT r.from_id, f.username, r.to_id, t.username, r.note, r.notified "
            + "FROM friend_requests r JOIN accounts f ON f.id = r.from_id JOIN accounts t ON t.id = r.to_id ";

    private final JdbcDatabase db;

    @Activate
    public JdbcFriendStore(@Reference JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public boolean areFriends(long a, long b) {
        return db.queryOne("SELECT 1 FROM friendships WHERE user_id = ? AND friend_id = ?", rs -> true, a, b)
                .isPresent();
    }

    @Override
    public List<Named> friends(long userId) {
        return db.query("SELECT a.id, a.username, a.nickname FROM friendships f "
                + "JOIN accounts a ON a.id = f.friend_id WHERE f.user_id = ? ORDER BY a.username_key",
                rs -> new Named(rs.getLong(1), rs.getString(2), rs.getString(3)), userId);
    }

    @Override
    public Optional<Pending> request(long fromId, long toId) {
        return db.queryOne(PENDING + "WHERE r.from_id = ? AND r.to_id = ?", JdbcFriendStore::pending, fromId, toId);
    }

    @Override
    public List<Pending> incoming(long userId) {
        return db.query(PENDING + "WHERE r.to_id = ? ORDER BY r.created_at, r.from_id", JdbcFriendStore::pending, userId);
    }

    @Override
    public List<Pending> outgoing(long userId) {
        return db.query(PENDING + "WHERE r.from_id = ? ORDER BY r.created_at, r.to_id", JdbcFriendStore::pending, userId);
    }

    private static Pending pending(ResultSet rs) throws SQLException {
        return new Pending(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getBoolean(6));
    }

    @Override
    public boolean addRequest(long fromId, long toId, String note, long ts) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO friend_requests "
                    + "(from_id, to_id, note, notified, created_at) VALUES (?, ?, ?, FALSE, ?)")) {
                p.setLong(1, fromId);
                p.setLong(2, toId);
                p.setString(3, note);
                p.setLong(4, ts);
                p.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (JdbcDatabase.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public boolean removeRequest(long fromId, long toId) {
        return db.call(c -> deleteRequest(c, fromId, toId) > 0);
    }

    private static int deleteRequest(Connection c, long fromId, long toId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM friend_requests WHERE from_id = ? AND to_id = ?")) {
            p.setLong(1, fromId);
            p.setLong(2, toId);
            return p.executeUpdate();
        }
    }

    @Override
    public void makeFriends(long a, long b, long ts) {
        db.transaction(c -> {
            deleteRequest(c, a, b);
            deleteRequest(c, b, a);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO friendships (user_id, friend_id, since) "
                    + "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE since = since")) {
                p.setLong(1, a);
                p.setLong(2, b);
                p.setLong(3, ts);
                p.addBatch();
                p.setLong(1, b);
                p.setLong(2, a);
                p.setLong(3, ts);
                p.addBatch();
                p.executeBatch();
            }
            return null;
        });
    }

    @Override
    public boolean removeFriends(long a, long b) {
        return db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "DELETE FROM friendships WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)")) {
                p.setLong(1, a);
                p.setLong(2, b);
                p.setLong(3, b);
                p.setLong(4, a);
                return p.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void markNotified(long fromId, long toId) {
        db.update("UPDATE friend_requests SET notified = TRUE WHERE from_id = ? AND to_id = ?", fromId, toId);
    }
}
