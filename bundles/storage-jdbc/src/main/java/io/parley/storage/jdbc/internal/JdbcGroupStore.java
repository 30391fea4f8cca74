package io.parley.storage.jdbc.internal;

import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupView;
import io.parley.api.store.GroupStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Groups in {@code chat_groups} and {@code group_members}. */
@Component(service = GroupStore.class)
public final class JdbcGroupStore implements GroupStore {

    private static final String MEMBERS = "SELECT m.group_id, m.user_id, a.username, m.joined_at FROM group_members m "
            + "JOIN accounts a ON a.id = m.user_id ";
    private static final int BATCH = 500;

    private final JdbcDatabase db;

    @Activate
    public JdbcGroupStore(@Reference JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public long create(String name, long ownerId, Collection<Long> memberIds, long createdAt) {
        return db.transaction(c -> {
            long id;
            try (PreparedStatement p = c.prepareStatement("INSERT INTO chat_groups (name, owner_id, created_at, "
                    + "dissolved) VALUES (?, ?, ?, FALSE)", Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, name);
                p.setLong(2, ownerId);
                p.setLong(3, createdAt);
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            insertMembers(c, id, memberIds, createdAt);
            return id;
        });
    }

    private static void insertMembers(Connection c, long groupId, Collection<Long> userIds, long joinedAt)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO group_members (group_id, user_id, joined_at) VALUES (?, ?, ?)")) {
            int n = 0;
            for (long user : userIds) {
                p.setLong(1, groupId);
                p.setLong(2, user);
                p.setLong(3, joinedAt);
                p.addBatch();
                if (++n % BATCH == 0) {
                    p.executeBatch();
                }
            }
            p.executeBatch();
        }
    }

    @Override
    public Optional<GroupView> find(long groupId) {
        return db.call(c -> {
            String name;
            long owner;
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT name, owner_id FROM chat_groups WHERE id = ? AND dissolved = FALSE")) {
                p.setLong(1, groupId);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    name = rs.getString(1);
                    owner = rs.getLong(2);
                }
            }
            Map<Long, List<GroupMember>> members = members(c, MEMBERS + "WHERE m.group_id = ?", groupId);
            return Optional.of(new GroupView(groupId, name, owner, members.getOrDefault(groupId, List.of())));
        });
    }

    /** Members by group, oldest first (ties by user id), in one query. */
    private static Map<Long, List<GroupMember>> members(Connection c, String sql, long param) throws SQLException {
        Map<Long, List<GroupMember>> out = new LinkedHashMap<>();
        try (PreparedStatement p = c.prepareStatement(sql + " ORDER BY m.group_id, m.joined_at, m.user_id")) {
            p.setLong(1, param);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new GroupMember(rs.getLong(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    @Override
    public void addMembers(long groupId, Collection<Long> userIds, long joinedAt) {
        db.transaction(c -> {
            insertMembers(c, groupId, userIds, joinedAt);
            return null;
        });
    }

    @Override
    public void removeMembers(long groupId, Collection<Long> userIds) {
        db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")) {
                for (long user : userIds) {
                    p.setLong(1, groupId);
                    p.setLong(2, user);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void setOwner(long groupId, long ownerId) {
        db.update("UPDATE chat_groups SET owner_id = ? WHERE id = ?", ownerId, groupId);
    }

    @Override
    public void dissolve(long groupId) {
        db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE chat_groups SET dissolved = TRUE WHERE id = ?")) {
                p.setLong(1, groupId);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM group_members WHERE group_id = ?")) {
                p.setLong(1, groupId);
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<GroupView> groupsOf(long userId) {
        return db.call(c -> {
            List<long[]> heads = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT g.id, g.name, g.owner_id FROM group_members m "
                    + "JOIN chat_groups g ON g.id = m.group_id WHERE m.user_id = ? AND g.dissolved = FALSE "
                    + "ORDER BY g.id")) {
                p.setLong(1, userId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        heads.add(new long[] {rs.getLong(1), rs.getLong(3)});
                        names.add(rs.getString(2));
                    }
                }
            }
            Map<Long, List<GroupMember>> members = members(c, MEMBERS
                    + "WHERE m.group_id IN (SELECT group_id FROM group_members WHERE user_id = ?)", userId);
            List<GroupView> out = new ArrayList<>();
            for (int i = 0; i < heads.size(); i++) {
                long id = heads.get(i)[0];
                out.add(new GroupView(id, names.get(i), heads.get(i)[1], members.getOrDefault(id, List.of())));
            }
            return out;
        });
    }

    @Override
    public List<Listed> list(long afterId, int limit) {
        return db.call(c -> {
            List<Listed> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT g.id, g.name, g.owner_id, (SELECT COUNT(*) FROM "
                    + "group_members m WHERE m.group_id = g.id) FROM chat_groups g WHERE g.dissolved = FALSE AND g.id > ? "
                    + "ORDER BY g.id LIMIT ?")) {
                p.setLong(1, afterId);
                p.setInt(2, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Listed(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4)));
                    }
                }
            }
            return out;
        });
    }
}
