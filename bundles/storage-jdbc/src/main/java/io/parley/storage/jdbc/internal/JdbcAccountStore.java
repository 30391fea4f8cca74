package io.parley.storage.jdbc.internal;

import io.parley.api.account.Account;
import io.parley.api.account.Usernames;
import io.parley.api.store.AccountStore;
import io.parley.api.store.Credentials;
import io.parley.api.store.ProfileChange;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Accounts in the {@code accounts} table. */
@Component(service = AccountStore.class)
public final class JdbcAccountStore implements AccountStore {

    private static final String COLUMNS = "id, username, nickname, signature, avatar, created_at";

    private final JdbcDatabase db;

    @Activate
    public JdbcAccountStore(@Reference JdbcDatabase db) {
        this.db = db;
    }

    static String key(String username) {
        return Usernames.key(username);
    }

    @Override
    public Optional<String> lookAlike(String username) {
        return db.queryOne("SELECT username FROM accounts WHERE username_look_alike = ? ORDER BY id",
                rs -> rs.getString(1), Usernames.lookAlike(username));
    }

    @Override
    public OptionalLong create(String username, String passwordHash, String nickname, long createdAt) {
        return db.call(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM retired_usernames WHERE username_key = ?")) {
                p.setString(1, key(username));
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        return OptionalLong.empty(); // a deleted account's name: taken for good
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO accounts (username, username_key, "
                    + "username_look_alike, password_hash, nickname, signature, avatar, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, '', '', ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, username);
                p.setString(2, key(username));
                p.setString(3, Usernames.lookAlike(username));
                p.setString(4, passwordHash);
                p.setString(5, nickname);
                p.setLong(6, createdAt);
                p.executeUpdate();
                try (ResultSet keys = p.getGeneratedKeys()) {
                    keys.next();
                    return OptionalLong.of(keys.getLong(1));
                }
            } catch (SQLException e) {
                if (JdbcDatabase.isDuplicateKey(e)) {
                    return OptionalLong.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Account> findByUsername(String username) {
        return one("SELECT " + COLUMNS + " FROM accounts WHERE username_key = ?", key(username));
    }

    @Override
    public List<Account> list(String prefix, String after, int limit) {
        // username_key is the lower-cased name: a prefix of it is a range, and the order is the index's.
        String from = key(prefix);
        String start = after == null ? from : key(after);
        return db.query("SELECT " + COLUMNS + " FROM accounts WHERE username_key LIKE ? ESCAPE '!' AND username_key "
                + (after == null ? ">=" : ">") + " ? ORDER BY username_key LIMIT ?",
                rs -> new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6)),
                from.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%", start, limit);
    }

    @Override
    public Optional<Account> findById(long userId) {
        return one("SELECT " + COLUMNS + " FROM accounts WHERE id = ?", userId);
    }

    private Optional<Account> one(String sql, Object param) {
        return db.queryOne(sql, rs -> new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getLong(6)), param);
    }

    @Override
    public Optional<Credentials> credentials(String username) {
        return db.queryOne("SELECT id, username, password_hash FROM accounts WHERE username_key = ?",
                rs -> new Credentials(rs.getLong(1), rs.getString(2), rs.getString(3)), key(username));
    }

    @Override
    public void updateProfile(long userId, ProfileChange change) {
        List<String> sets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (change.nickname() != null) {
            sets.add("nickname = ?");
            values.add(change.nickname());
        }
        if (change.signature() != null) {
            sets.add("signature = ?");
            values.add(change.signature());
        }
        if (change.avatar() != null) {
            sets.add("avatar = ?");
            values.add(change.avatar());
        }
        if (sets.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>(values);
        params.add(userId);
        db.update("UPDATE accounts SET " + String.join(", ", sets) + " WHERE id = ?", params.toArray());
    }

    @Override
    public boolean setBan(long userId, String reason, long at) {
        return reason == null
                ? db.update("UPDATE accounts SET banned_at = NULL, banned_reason = NULL WHERE id = ?", userId) == 1
                : db.update("UPDATE accounts SET banned_at = ?, banned_reason = ? WHERE id = ?", at, reason, userId) == 1;
    }

    /** Deletes the row and retires its name in one transaction: the name is never given again. */
    @Override
    public boolean delete(long userId) {
        return db.transaction(c -> {
            String key;
            try (PreparedStatement p = c.prepareStatement("SELECT username_key FROM accounts WHERE id = ?")) {
                p.setLong(1, userId);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    key = rs.getString(1);
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO retired_usernames (username_key, user_id, "
                    + "deleted_at) VALUES (?, ?, ?)")) {
                p.setString(1, key);
                p.setLong(2, userId);
                p.setLong(3, System.currentTimeMillis());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                p.setLong(1, userId);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<String> ban(long userId) {
        return db.queryOne("SELECT banned_reason FROM accounts WHERE id = ? AND banned_at IS NOT NULL",
                rs -> rs.getString(1), userId);
    }

    @Override
    public void updatePasswordHash(long userId, String passwordHash) {
        db.update("UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, userId);
    }

    @Override
    public boolean replacePasswordHash(long userId, String expected, String passwordHash) {
        return db.update("UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?", passwordHash,
                userId, expected) == 1;
    }
}
