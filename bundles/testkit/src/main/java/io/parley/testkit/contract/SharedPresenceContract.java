package io.parley.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.session.Session;
import io.parley.api.session.SharedPresence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SharedPresence} must do, whatever keeps it: two nodes of one cluster, each told of its own
 * devices, agree on who is online and on which device is a user's first and last. A backend's test extends
 * it with {@link #open}.
 */
public abstract class SharedPresenceContract {

    /** Two nodes' presences over one fresh, empty backend, and what closes them. */
    public record Nodes(SharedPresence east, SharedPresence west, AutoCloseable closer) {
    }

    protected abstract Nodes open() throws Exception;

    private Nodes nodes;

    @BeforeEach
    public void openNodes() throws Exception {
        nodes = open();
    }

    @AfterEach
    public void closeNodes() throws Exception {
        nodes.closer().close();
    }

    private static Session device(long userId, String device) {
        return new Session(userId, "user" + userId, device, "token-" + userId + "-" + device);
    }

    @Test
    public void aUserIsOnlineFromTheFirstDeviceOnAnyNodeUntilTheLastOneGoes() {
        SharedPresence east = nodes.east();
        SharedPresence west = nodes.west();
        assertFalse(east.isOnline(7) || west.isOnline(7), "nobody is online in a fresh backend");
        assertTrue(east.arrived(device(7, "phone")), "the first device anywhere");
        assertFalse(west.arrived(device(7, "pc")), "online on east already");
        assertTrue(east.isOnline(7) && west.isOnline(7));
        assertFalse(east.left(device(7, "phone")), "the pc on west is still there");
        assertTrue(west.isOnline(7));
        assertTrue(west.left(device(7, "pc")), "the last device of every node");
        assertFalse(east.isOnline(7) || west.isOnline(7));
    }

    @Test
    public void theSameDeviceLoggingInAgainIsNotASecondDevice() {
        SharedPresence east = nodes.east();
        assertTrue(east.arrived(device(7, "phone")));
        assertTrue(east.arrived(device(7, "phone")), "it replaced itself: still the only device");
        assertTrue(east.left(device(7, "phone")));
        assertFalse(east.isOnline(7));
    }

    @Test
    public void usersAreCountedApart() {
        assertTrue(nodes.east().arrived(device(7, "phone")));
        assertTrue(nodes.west().arrived(device(8, "phone")), "user 8's first device, though user 7 is online");
        assertTrue(nodes.east().left(device(7, "phone")));
        assertTrue(nodes.west().isOnline(8));
        assertFalse(nodes.west().isOnline(7));
    }
}
