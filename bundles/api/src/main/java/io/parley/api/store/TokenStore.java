package io.parley.api.store;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Durable login tokens, keyed by the token's hash. */
@ProviderType
public interface TokenStore {

    void save(StoredToken token);

    Optional<StoredToken> find(String tokenId);

    void revoke(String tokenId);

    /** Revokes every token of the user except {@code keepTokenId}; returns how many were revoked. */
    int revokeAllExcept(long userId, String keepTokenId);

    /** Deletes tokens that expired before {@code now} (epoch ms); returns how many. */
    int purgeExpired(long now);
}
