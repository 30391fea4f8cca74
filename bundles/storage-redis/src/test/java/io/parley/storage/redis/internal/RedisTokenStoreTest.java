package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import io.parley.testkit.MemoryStores;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token cache in front of the database, on a real Redis: a revocation that lands while a lookup reads the
 * database must not let that lookup put the token back into Redis (security review H7).
 */
class RedisTokenStoreTest {

    private static final long HOUR = 3_600_000;

    /** The database, which can run a revocation in the middle of a lookup: after the read, before the return. */
    private static final class RacedDatabase implements TokenStore {
        final TokenStore rows = new MemoryStores().tokens();
        Runnable duringNextFind;

        @Override
        public void save(StoredToken token) {
            rows.save(token);
        }

        @Override
        public Optional<StoredToken> find(String tokenId) {
            Optional<StoredToken> read = rows.find(tokenId);
            Runnable race = duringNextFind;
            duringNextFind = null;
            if (race != null) {
                race.run();
            }
            return read;
        }

        @Override
        public void revoke(String tokenId) {
            rows.revoke(tokenId);
        }

        @Override
        public int revokeAllExcept(long userId, String keepTokenId) {
            return rows.revokeAllExcept(userId, keepTokenId);
        }

        @Override
        public int purgeExpired(long now) {
            return rows.purgeExpired(now);
        }
    }

    private RedisConnection redis;
    private final RacedDatabase database = new RacedDatabase();
    private RedisTokenStore tokens;

    @BeforeEach
    void open() {
        redis = TestRedis.connect(1000, 60, "n1");
        tokens = new RedisTokenStore(database, redis);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private static StoredToken token(String id, long userId, String device) {
        long now = System.currentTimeMillis();
        return new StoredToken(id, userId, device, now - 1000, now + HOUR);
    }

    @Test
    void aLookupTheDatabaseAnswersIsCachedUntilTheTokenExpires() {
        database.save(token("t1", 7, "phone")); // saved through another path: not in Redis yet
        assertTrue(tokens.find("t1").isPresent());
        assertTrue(redis.redis.pttl(RedisTokenStore.key("t1")) > HOUR - 60_000);
        database.rows.revoke("t1");
        assertTrue(tokens.find("t1").isPresent(), "answered from Redis");
    }

    @Test
    void aTokenRevokedWhileALookupReadsTheDatabaseStaysRevoked() {
        database.save(token("t1", 7, "phone"));
        database.duringNextFind = () -> tokens.revoke("t1");
        assertEquals(Optional.empty(), tokens.find("t1"), "revoked before the lookup answered");
        assertNull(redis.redis.get(RedisTokenStore.key("t1")), "the racing lookup put the token back into Redis");
        assertFalse(tokens.find("t1").isPresent());
    }

    @Test
    void tokensRevokedForAPasswordChangeStayRevokedButTheKeptOne() {
        database.save(token("old", 7, "phone"));
        tokens.save(token("kept", 7, "pc"));
        database.save(token("other-user", 8, "phone"));
        database.duringNextFind = () -> tokens.revokeAllExcept(7, "kept");
        assertEquals(Optional.empty(), tokens.find("old"));
        assertNull(redis.redis.get(RedisTokenStore.key("old")));
        assertFalse(tokens.find("old").isPresent());
        assertTrue(tokens.find("kept").isPresent(), "the device that changed the password stays logged in");
        assertTrue(tokens.find("other-user").isPresent(), "another user's tokens are not touched");
    }

    @Test
    void aTokenIssuedAfterThePasswordChangeIsCachedAsUsual() {
        tokens.revokeAllExcept(7, "kept");
        long later = System.currentTimeMillis() + RedisTokenStore.CLOCK_SKEW_MS + 1000;
        database.save(new StoredToken("new", 7, "tablet", later, later + HOUR));
        assertTrue(tokens.find("new").isPresent());
        assertTrue(redis.redis.exists(RedisTokenStore.key("new")));
    }

    @Test
    void aTokenFromANodeWhoseClockIsBehindIsRevokedToo() {
        tokens.revokeAllExcept(7, "kept");
        // Issued before the password change, by a node whose clock runs 3 s behind the revoking node's.
        long skewed = System.currentTimeMillis() + 3000;
        database.save(new StoredToken("skewed", 7, "tablet", skewed, skewed + HOUR));
        assertFalse(tokens.find("skewed").isPresent());
        assertFalse(redis.redis.exists(RedisTokenStore.key("skewed")));
    }
}
