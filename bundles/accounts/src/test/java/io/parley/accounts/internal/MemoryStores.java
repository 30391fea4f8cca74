package io.parley.accounts.internal;

import io.parley.api.account.Account;
import io.parley.api.store.AccountStore;
import io.parley.api.store.Credentials;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** Test doubles for the store SPIs; the real ones are tested in storage-jdbc and the itests. */
final class MemoryStores implements AccountStore, TokenStore {

    private record Row(Account account, String hash) {
    }

    private final Map<String, Row> byKey = new ConcurrentHashMap<>();
    final Map<String, StoredToken> tokens = new ConcurrentHashMap<>();

    @Override
    public synchronized OptionalLong create(String username, String passwordHash, String nickname, long createdAt) {
        String key = username.toLowerCase(Locale.ROOT);
        if (byKey.containsKey(key)) {
            return OptionalLong.empty();
        }
        long id = byKey.size() + 1;
        byKey.put(key, new Row(new Account(id, username, nickname, "", "", createdAt), passwordHash));
        return OptionalLong.of(id);
    }

    @Override
    public Optional<Account> findByUsername(String username) {
        return Optional.ofNullable(byKey.get(username.toLowerCase(Locale.ROOT))).map(Row::account);
    }

    @Override
    public Optional<Account> findById(long userId) {
        return byKey.values().stream().map(Row::account).filter(a -> a.id() == userId).findFirst();
    }

    @Override
    public Optional<Credentials> credentials(String username) {
        return Optional.ofNullable(byKey.get(username.toLowerCase(Locale.ROOT)))
                .map(r -> new Credentials(r.account().id(), r.account().username(), r.hash()));
    }

    @Override
    public void updateProfile(long userId, ProfileChange change) {
        byKey.replaceAll((k, r) -> r.account().id() != userId ? r : new Row(new Account(userId, r.account().username(),
                change.nickname() != null ? change.nickname() : r.account().nickname(),
                change.signature() != null ? change.signature() : r.account().signature(),
                change.avatar() != null ? change.avatar() : r.account().avatar(), r.account().createdAt()), r.hash()));
    }

    @Override
    public void updatePasswordHash(long userId, String passwordHash) {
        byKey.replaceAll((k, r) -> r.account().id() != userId ? r : new Row(r.account(), passwordHash));
    }

    @Override
    public void save(StoredToken token) {
        tokens.put(token.tokenId(), token);
    }

    @Override
    public Optional<StoredToken> find(String tokenId) {
        return Optional.ofNullable(tokens.get(tokenId));
    }

    @Override
    public void revoke(String tokenId) {
        tokens.remove(tokenId);
    }

    @Override
    public int revokeAllExcept(long userId, String keepTokenId) {
        int before = tokens.size();
        tokens.values().removeIf(t -> t.userId() == userId && !t.tokenId().equals(keepTokenId));
        return before - tokens.size();
    }

    @Override
    public int purgeExpired(long now) {
        int before = tokens.size();
        tokens.values().removeIf(t -> t.expiresAt() < now);
        return before - tokens.size();
    }
}
