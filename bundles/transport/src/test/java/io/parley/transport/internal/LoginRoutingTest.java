package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.NoticeBus;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.serialization.internal.GsonSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In a cluster, a login is routed to this node before it is bound, and so before it is answered: a notice sent from
 * another node right after the answer cannot pass this node by. And the bus can ask who is logged in here.
 */
class LoginRoutingTest {

    private final Serializer json = new GsonSerializer();
    private final SessionRegistry sessions = new SessionRegistry(100);
    private final DeviceNotices notices = new DeviceNotices(sessions, new ServiceSlot<>(json), Frame.DEFAULT_MAX_BODY);
    private final List<String> routed = new CopyOnWriteArrayList<>();
    private final ConnectionHandler connection = new ConnectionHandler(ConnectionHandler.Shared.of(
            new Dispatcher(new ServiceSlot<>(json), new HandlerRegistry(), new UserRates("", System::nanoTime),
                    Frame.DEFAULT_MAX_BODY, 2000),
            sessions, notices, Runnable::run, new Connections(System::nanoTime), new AtomicInteger(), 30, 0, 1, 8));
    private final EmbeddedChannel channel = new EmbeddedChannel(connection);

    @AfterEach
    void stop() throws InterruptedException {
        channel.close();
        sessions.deactivate();
    }

    /** A bus that records each route it is asked for, and whether the device was bound by then. */
    private NoticeBus recordingBus(boolean fails) {
        return new NoticeBus() {
            @Override
            public void reachableHere(long userId) {
                routed.add(userId + (sessions.devices(userId).isEmpty() ? " before binding" : " after binding"));
                if (fails) {
                    throw new IllegalStateException("Redis is down");
                }
            }

            @Override
            public void publish(long userId, int type, byte[] body) {
            }

            @Override
            public void publishEndSessions(long userId, String device, boolean allOthers, String reason) {
            }
        };
    }

    @Test
    void aLoginIsRoutedHereBeforeItIsBound() {
        notices.bus(recordingBus(false));
        connection.login(new Session(7, "anna", "pc", "t"));
        assertEquals(List.of("7 before binding"), routed);
        assertEquals(Set.of("pc"), sessions.devices(7));
        List<Long> users = new ArrayList<>();
        notices.forEachUser(users::add);
        assertEquals(List.of(7L), users, "the users logged in here, for the bus to renew their routes");
    }

    @Test
    void aBusThatFailsDoesNotStopTheLogin() {
        notices.bus(recordingBus(true));
        connection.login(new Session(8, "ben", "phone", "t"));
        assertEquals(List.of("8 before binding"), routed);
        assertEquals(Set.of("phone"), sessions.devices(8), "logged in all the same");
    }
}
