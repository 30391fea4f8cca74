package io.parley.storage.jdbc.internal;

import io.parley.api.store.AttributeStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Features' group attributes in {@code group_attributes}. */
@Component(service = AttributeStore.class)
public final class JdbcAttributeStore implements AttributeStore {

    private final JdbcDatabase db;

    @Activate
    public JdbcAttributeStore(@Reference JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<String> get(String namespace, long groupId, long userId, String name) {
        return db.queryOne("SELECT attr_value FROM group_attributes "
                + "WHERE namespace = ? AND group_id = ? AND user_id = ? AND name = ?", rs -> rs.getString(1),
                namespace, groupId, userId, name);
    }

    @Override
    public Map<Long, Map<String, String>> all(String namespace, long groupId) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT user_id, name, attr_value FROM group_attributes "
                    + "WHERE namespace = ? AND group_id = ?")) {
                p.setString(1, namespace);
                p.setLong(2, groupId);
                Map<Long, Map<String, String>> out = new HashMap<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void put(String namespace, long groupId, long userId, String name, String value) {
        db.update("INSERT INTO group_attributes (namespace, group_id, user_id, name, attr_value) VALUES (?, ?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE attr_value = VALUES(attr_value)", namespace, groupId, userId, name, value);
    }

    @Override
    public void remove(String namespace, long groupId, long userId, String name) {
        db.update("DELETE FROM group_attributes WHERE namespace = ? AND group_id = ? AND user_id = ? AND name = ?",
                namespace, groupId, userId, name);
    }
}
