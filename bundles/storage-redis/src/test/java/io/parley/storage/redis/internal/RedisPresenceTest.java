package io.parley.storage.redis.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Presence across two nodes on one real Redis: "first device" and "last device" count every node's devices. */
class RedisPresenceTest {

    private RedisConnection eastRedis;
    private RedisConnection westRedis;
    private RedisPresence east;
    private RedisPresence west;

    @BeforeEach
    void open() {
        eastRedis = TestRedis.connect(1000, 60, "east");
        westRedis = new RedisConnection("127.0.0.1", 6379, TestRedis.DATABASE, "", 2000, 16, 1000, 60, "west");
        east = new RedisPresence(eastRedis);
        west = new RedisPresence(westRedis);
    }

    @AfterEach
    void close() {
        east.deactivate();
        west.deactivate();
        eastRedis.close();
        westRedis.close();
    }

    private static Session device(String device) {
        return new Session(7, "anna", device, "token-" + device);
    }

    @Test
    void aUserIsOnlineFromTheFirstDeviceOnAnyNodeUntilTheLastOneGoes() {
        assertTrue(east.arrived(device("phone")), "the first device anywhere");
        assertFalse(west.arrived(device("pc")), "online on east already");
        assertTrue(east.isOnline(7) && west.isOnline(7));
        assertFalse(east.left(device("phone")), "the pc on west is still there");
        assertTrue(west.isOnline(7));
        assertTrue(west.left(device("pc")), "the last device of every node");
        assertFalse(east.isOnline(7));
    }

    @Test
    void theSameDeviceLoggingInAgainIsNotASecondDevice() {
        assertTrue(east.arrived(device("phone")));
        assertTrue(east.arrived(device("phone")), "it replaced itself: still the only device");
        assertTrue(east.left(device("phone")));
    }
}
