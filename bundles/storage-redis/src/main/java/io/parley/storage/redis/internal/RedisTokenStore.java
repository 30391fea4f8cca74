package io.parley.storage.redis.internal;

import io.parley.api.ParleyException;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Login tokens in Redis, expiring with the token, in front of the database. Saving writes both; a lookup
 * Redis cannot answer goes to the database and caches what it found. Revoking clears Redis first and refuses
 * (UNAVAILABLE) when it cannot, so a revoked token can never live on in the cache.
 *
 * <p>A lookup that read the database just before a revocation deleted the row must not cache the token after
 * the revocation cleared Redis: that would bring it back until it expires, on every node. So a revocation
 * first leaves a tombstone (for one token, or for every token of a user but one), and the lookup caches only
 * in one script that checks for tombstones; when it finds one it answers that the token is gone. A tombstone
 * outlives any lookup that could have raced it ({@link #TOMBSTONE_MS}).
 */
@Component(service = TokenStore.class, property = "parley.store=redis")
public final class RedisTokenStore implements TokenStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);
    /** How long a tombstone stays: far longer than one lookup can take, GC pauses and slow databases included. */
    static final long TOMBSTONE_MS = TimeUnit.MINUTES.toMillis(10);
    /**
     * A user's tombstone holds the revoking node's time; a token's creation time is its issuing node's. A token
     * made up to this long after the revocation, by that node's clock, counts as revoked too: nodes' clocks may
     * differ by that much. A token made then for a new login is in Redis already (save caches it), so only a
     * lookup Redis cannot answer refuses it, for the tombstone's ten minutes at most.
     */
    static final long CLOCK_SKEW_MS = 5000;

    /**
     * KEYS: token, token tombstone, user tombstone, user's token set. ARGV: cached value, expiry (ms), token id,
     * created at (ms), clock skew (ms). Returns 1 when cached, 0 when a tombstone says the token is revoked.
     */
    private static final String CACHE_UNLESS_REVOKED = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            local all = redis.call('GET', KEYS[3])
            if all then
              local at, keep = string.match(all, '^(%d+)|(.*)$')
              if tonumber(ARGV[4]) <= tonumber(at) + tonumber(ARGV[5]) and ARGV[3] ~= keep then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
            redis.call('SADD', KEYS[4], ARGV[3])
            return 1
            """;

    private final TokenStore durable;
    private final RedisConnection redis;

    @Activate
    public RedisTokenStore(@Reference(target = "(parley.store=jdbc)") TokenStore durable,
            @Reference RedisConnection redis) {
        this.durable = durable;
        this.redis = redis;
    }

    static String key(String tokenId) {
        return "parley:token:" + tokenId;
    }

    static String userTokens(long userId) {
        return "parley:usertokens:" + userId;
    }

    static String revoked(String tokenId) {
        return "parley:token-revoked:" + tokenId;
    }

    /** "revokedAt|keptTokenId": every token of the user created until then is revoked, but the kept one. */
    static String userRevoked(long userId) {
        return "parley:usertokens-revoked:" + userId;
    }

    private static String value(StoredToken t) {
        return t.userId() + "|" + t.device() + "|" + t.createdAt() + "|" + t.expiresAt();
    }

    @Override
    public void save(StoredToken token) {
        durable.save(token);
        try {
            redis.redis.set(key(token.tokenId()), value(token), SetParams.setParams().pxAt(token.expiresAt()));
            redis.redis.sadd(userTokens(token.userId()), token.tokenId());
        } catch (JedisException e) {
            LOG.debug("Token not cached: {}", e.getMessage());
        }
    }

    @Override
    public Optional<StoredToken> find(String tokenId) {
        try {
            String cached = redis.redis.get(key(tokenId));
            if (cached != null) {
                String[] f = cached.split("\\|", 4);
                return Optional.of(new StoredToken(tokenId, Long.parseLong(f[0]), f[1], Long.parseLong(f[2]),
                        Long.parseLong(f[3])));
            }
        } catch (JedisException e) {
            return durable.find(tokenId);
        }
        Optional<StoredToken> stored = durable.find(tokenId);
        if (stored.isEmpty() || stored.get().expiresAt() <= System.currentTimeMillis()) {
            return stored;
        }
        StoredToken t = stored.get();
        try {
            Object cached = redis.redis.eval(CACHE_UNLESS_REVOKED,
                    List.of(key(tokenId), revoked(tokenId), userRevoked(t.userId()), userTokens(t.userId())),
                    List.of(value(t), Long.toString(t.expiresAt()), tokenId, Long.toString(t.createdAt()),
                            Long.toString(CLOCK_SKEW_MS)));
            if (Long.valueOf(0).equals(cached)) {
                return Optional.empty(); // revoked while we read it
            }
        } catch (JedisException e) {
            LOG.debug("Token not cached: {}", e.getMessage());
        }
        return stored;
    }

    @Override
    public void revoke(String tokenId) {
        try {
            redis.redis.set(revoked(tokenId), "1", SetParams.setParams().px(TOMBSTONE_MS));
            redis.redis.del(key(tokenId));
        } catch (JedisException e) {
            throw ParleyException.unavailable("The token cache is unavailable; retry shortly.", e);
        }
        durable.revoke(tokenId);
    }

    @Override
    public int revokeAllExcept(long userId, String keepTokenId) {
        try {
            redis.redis.set(userRevoked(userId), System.currentTimeMillis() + "|" + (keepTokenId == null ? "" : keepTokenId),
                    SetParams.setParams().px(TOMBSTONE_MS));
            for (String id : redis.redis.smembers(userTokens(userId))) {
                if (!id.equals(keepTokenId)) {
                    redis.redis.del(key(id));
                    redis.redis.srem(userTokens(userId), id);
                }
            }
        } catch (JedisException e) {
            throw ParleyException.unavailable("The token cache is unavailable; retry shortly.", e);
        }
        return durable.revokeAllExcept(userId, keepTokenId);
    }

    @Override
    public int purgeExpired(long now) {
        return durable.purgeExpired(now);
    }
}
