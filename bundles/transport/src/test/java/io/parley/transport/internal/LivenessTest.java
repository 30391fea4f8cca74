package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import io.parley.serialization.internal.GsonSerializer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one clock that closes connections past their login deadline or silent past their missed heartbeats. */
class LivenessTest {

    private static final int LOGIN_SECONDS = 3;
    private static final int READ_IDLE_SECONDS = 2;
    private static final int MISSES = 3;

    private final Serializer json = new GsonSerializer();
    private final SessionRegistry sessions = new SessionRegistry(100);
    private final DeviceNotices notices = new DeviceNotices(sessions, new ServiceSlot<>(json), Frame.DEFAULT_MAX_BODY);
    private final Dispatcher dispatcher = new Dispatcher(new ServiceSlot<>(json), new HandlerRegistry(),
            new UserRates("", System::nanoTime), Frame.DEFAULT_MAX_BODY, 2000);
    /** The clock the connections' deadlines read, moved by hand (nanoseconds). */
    private final AtomicLong time = new AtomicLong();
    private final Connections connections = new Connections(time::get);
    private final AtomicInteger open = new AtomicInteger();
    private final ConnectionHandler connection = handler(READ_IDLE_SECONDS);
    private final EmbeddedChannel channel = new EmbeddedChannel(connection);

    private ConnectionHandler handler(int readIdleSeconds) {
        return new ConnectionHandler(ConnectionHandler.Shared.of(dispatcher, sessions, notices, Runnable::run,
                connections, open, LOGIN_SECONDS, readIdleSeconds, MISSES, 8));
    }

    /** Moves the time on by whole seconds, with the loop's once-a-second check after each. */
    private void tick(int seconds) {
        for (int i = 0; i < seconds; i++) {
            time.addAndGet(1_000_000_000L);
            connections.of(channel.eventLoop()).tick();
        }
    }

    /** The KICKED notice the clock wrote before closing, as text. */
    private String kicked() {
        Frame frame = channel.readOutbound();
        assertEquals(Types.KICKED, frame.type());
        return new String(frame.body(), StandardCharsets.UTF_8);
    }

    private void ping() {
        channel.writeInbound(Frame.request(Types.PING, new byte[0]));
        assertEquals(Types.PING, ((Frame) channel.readOutbound()).type());
    }

    @Test
    void aConnectionThatDoesNotLogInIsClosedAfterItsDeadlineNotBefore() {
        assertEquals(1, open.get(), "counted as open");
        ping();
        tick(LOGIN_SECONDS);
        assertTrue(channel.isOpen(), "open until the deadline has passed");
        tick(1);
        assertTrue(kicked().contains("No login within 3 s"));
        assertFalse(channel.isOpen());
        assertEquals(0, open.get(), "counted out");
        tick(5);
        assertNull(channel.readOutbound(), "told once");
    }

    @Test
    void aLoggedInConnectionIsClosedAfterItsMissedHeartbeatsAndEachFrameStartsTheCountAgain() {
        connection.login(new Session(7, "u", "pc", "t"));
        int silence = READ_IDLE_SECONDS * MISSES;
        tick(silence);
        ping();
        tick(silence);
        assertTrue(channel.isOpen(), "a frame read " + silence + " s ago keeps it open");
        assertNull(channel.readOutbound());
        tick(1);
        assertTrue(kicked().contains("heartbeat"));
        assertFalse(channel.isOpen());
        assertFalse(sessions.devicesOf(7).iterator().hasNext(), "its session is gone with it");
    }

    @Test
    void zeroReadIdleSecondsTurnTheHeartbeatCheckOff() {
        ConnectionHandler unchecked = handler(0);
        EmbeddedChannel quiet = new EmbeddedChannel(unchecked);
        unchecked.login(new Session(8, "v", "pc", "t"));
        for (int i = 0; i < 100; i++) {
            time.addAndGet(1_000_000_000L);
            connections.of(quiet.eventLoop()).tick();
        }
        assertTrue(quiet.isOpen());
    }

    @Test
    void aLoopThatStoodStillDoesNotShortenADeadline() {
        connection.login(new Session(9, "w", "pc", "t"));
        // The loop did not tick for 5 s (a long pause), then ticks several times in a row to catch up.
        time.addAndGet(5_000_000_000L);
        for (int i = 0; i < 10; i++) {
            connections.of(channel.eventLoop()).tick();
        }
        assertTrue(channel.isOpen(), "5 s of a 6 s allowance: open, however many ticks ran");
    }

    @Test
    void closingEveryConnectionOfALoopLeavesItsListEmpty() {
        EmbeddedChannel second = new EmbeddedChannel(handler(READ_IDLE_SECONDS));
        assertEquals(2, open.get());
        connections.of(channel.eventLoop()).closeAll();
        connections.of(second.eventLoop()).closeAll();
        assertFalse(channel.isOpen());
        assertFalse(second.isOpen());
        assertEquals(0, open.get());
    }
}
