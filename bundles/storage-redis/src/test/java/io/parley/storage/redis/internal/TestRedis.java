package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis at 127.0.0.1:6379, database 13, flushed for each test. With CI=true a missing Redis fails the test;
 * elsewhere it is skipped with a loud message.
 */
final class TestRedis {

    static final int DATABASE = 13;

    private TestRedis() {
    }

    static RedisConnection connect(int inboxKeep, int presenceTtlSeconds, String nodeId) {
        RedisConnection c = new RedisConnection("127.0.0.1", 6379, DATABASE, "", 2000, 16, inboxKeep,
                presenceTtlSeconds, nodeId);
        try {
            c.redis.flushDB();
        } catch (JedisException e) {
            c.close();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("Redis at 127.0.0.1:6379 is required in CI, but: " + e.getMessage());
            }
            System.err.println("\n*** SKIPPED: Redis at 127.0.0.1:6379 is not reachable (" + e.getMessage()
                    + "); the Redis storage tests did not run. ***\n");
            Assumptions.abort("Redis not reachable: " + e.getMessage());
        }
        return c;
    }
}
