package io.parley.storage.redis.internal;

import io.parley.testkit.contract.SharedPresenceContract;

/** Presence across two nodes on one real Redis: the shared-presence contract. */
class RedisPresenceTest extends SharedPresenceContract {

    @Override
    protected Nodes open() {
        RedisConnection eastRedis = TestRedis.connect(1000, 60, "east");
        RedisConnection westRedis = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 16, 1000, 60,
                "west");
        RedisPresence east = new RedisPresence(eastRedis);
        RedisPresence west = new RedisPresence(westRedis);
        return new Nodes(east, west, () -> {
            east.deactivate();
            west.deactivate();
            eastRedis.close();
            westRedis.close();
        });
    }
}
