package io.parley.storage.redis.internal;

import io.parley.api.store.MessageStore;
import io.parley.storage.jdbc.internal.MessageStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The message store contract through the Redis fast inbox, in front of H2 and of MariaDB. */
class RedisMessageStoreTest extends MessageStoreContract {

    private RedisConnection redis;

    @Override
    protected MessageStore decorate(MessageStore jdbc) {
        redis = TestRedis.connect(1000, 60, "test");
        return new RedisMessageStore(jdbc, redis);
    }

    @AfterEach
    void closeRedis() {
        if (redis != null) {
            redis.close();
        }
    }
}
