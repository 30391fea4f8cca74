package io.parley.storage.jdbc.internal;

import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Login tokens in the {@code tokens} table, by hash. */
@Component(service = TokenStore.class, property = "parley.store=jdbc")
public final class JdbcTokenStore implements TokenStore {

    private final JdbcDatabase db;

    @Activate
    public JdbcTokenStore(@Reference JdbcDatabase db) {
        this.db = db;
    }

    @Override
    public void save(StoredToken token) {
        db.update("INSERT INTO tokens (token_id, user_id, device, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                token.tokenId(), token.userId(), token.device(), token.createdAt(), token.expiresAt());
    }

    @Override
    public Optional<StoredToken> find(String tokenId) {
        return db.queryOne("SELECT token_id, user_id, device, created_at, expires_at FROM tokens WHERE token_id = ?",
                rs -> new StoredToken(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5)),
                tokenId);
    }

    @Override
    public void revoke(String tokenId) {
        db.update("DELETE FROM tokens WHERE token_id = ?", tokenId);
    }

    @Override
    public int revokeAllExcept(long userId, String keepTokenId) {
        return db.update("DELETE FROM tokens WHERE user_id = ? AND token_id <> ?", userId, keepTokenId);
    }

    @Override
    public int purgeExpired(long now) {
        return db.update("DELETE FROM tokens WHERE expires_at < ?", now);
    }
}
