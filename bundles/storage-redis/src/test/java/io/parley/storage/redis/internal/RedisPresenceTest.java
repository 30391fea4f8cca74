package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.session.Session;
import io.parley.testkit.contract.SharedPresenceContract;
import org.junit.jupiter.api.Test;

/** Presence across two nodes on one real Redis: the shared-presence contract; and this node alone without it. */
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

    private static Session device(String name) {
        return new Session(9, "user9", name, "token-" + name);
    }

    @Test
    void withRedisUnreachableThisNodesOwnDevicesDecideFirstAndLast() {
        // Nothing listens on port 1: every call fails at once, and this node's own sessions answer.
        RedisConnection nowhere = new RedisConnection("127.0.0.1", 1, 0, "", 200, 2, 1000, 60, "alone");
        RedisPresence presence = new RedisPresence(nowhere);
        try {
            assertTrue(presence.arrived(device("phone")), "the first device here");
            assertTrue(presence.arrived(device("phone")), "the same device again is still the only one");
            assertFalse(presence.arrived(device("pc")), "a second device");
            assertFalse(presence.arrived(device("tablet")), "a third");
            assertTrue(presence.isOnline(9));
            assertFalse(presence.left(device("phone")), "two left");
            assertFalse(presence.left(device("tablet")), "one left");
            assertTrue(presence.left(device("pc")), "the last device here");
            assertFalse(presence.isOnline(9));
        } finally {
            presence.deactivate();
            nowhere.close();
        }
    }

    @Test
    void aNodeKeepsItsDevicesOnlineBeyondTheTtlAndTakesThemAwayWhenItStops() throws InterruptedException {
        RedisConnection eastRedis = TestRedis.connect(1000, 1, "east");
        RedisConnection westRedis = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 16, 1000, 1,
                "west");
        RedisPresence east = new RedisPresence(eastRedis);
        RedisPresence west = new RedisPresence(westRedis);
        try {
            east.arrived(new Session(21, "user21", "phone", "t1"));
            east.arrived(new Session(21, "user21", "pc", "t2"));
            east.arrived(new Session(22, "user22", "phone", "t3"));
            east.left(new Session(21, "user21", "phone", "t1"));
            // Three TTLs: only the refreshes every third of one keep the entries.
            Thread.sleep(3_000);
            assertTrue(west.isOnline(21), "user 21's pc, refreshed");
            assertTrue(west.isOnline(22));
            assertFalse(west.isOnline(23));
            east.deactivate();
            assertFalse(west.isOnline(21), "a stopping node takes its devices away");
            assertFalse(west.isOnline(22));
        } finally {
            east.deactivate();
            west.deactivate();
            eastRedis.close();
            westRedis.close();
        }
    }
}
