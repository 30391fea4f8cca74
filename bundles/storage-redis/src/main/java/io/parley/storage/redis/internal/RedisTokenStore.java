package io.parley.storage.redis.internal;

import io.parley.api.ParleyException;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Login tokens in Redis, expiring with the token, in front of the database. Saving writes both; a lookup
 * Redis cannot answer goes to the database. Revoking clears Redis first and refuses (UNAVAILABLE) when it
 * cannot, so a revoked token can never live on in the cache.
 */
@Component(service = TokenStore.class, property = {"parley.store=redis", "service.ranking:Integer=10"})
public final class RedisTokenStore implements TokenStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);

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

    @Override
    public void save(StoredToken token) {
        durable.save(token);
        cache(token);
    }

    private void cache(StoredToken t) {
        try {
            redis.redis.set(key(t.tokenId()), t.userId() + "|" + t.device() + "|" + t.createdAt() + "|" + t.expiresAt(),
                    SetParams.setParams().pxAt(t.expiresAt()));
            redis.redis.sadd(userTokens(t.userId()), t.tokenId());
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
        stored.filter(t -> t.expiresAt() > System.currentTimeMillis()).ifPresent(this::cache);
        return stored;
    }

    @Override
    public void revoke(String tokenId) {
        try {
            redis.redis.del(key(tokenId));
        } catch (JedisException e) {
            throw ParleyException.unavailable("The token cache is unavailable; retry shortly.", e);
        }
        durable.revoke(tokenId);
    }

    @Override
    public int revokeAllExcept(long userId, String keepTokenId) {
        try {
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
