package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.parley.api.session.Session;
import io.parley.api.session.SessionListener;
import io.parley.api.session.SharedPresence;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/** Who is told that a user came online or went: this node's sessions, or a cluster's shared presence. */
class SessionRegistryTest {

    private final SessionRegistry registry = new SessionRegistry(100);
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    SessionRegistryTest() {
        SessionListener listener = new SessionListener() {
            @Override
            public void sessionOpened(Session session, boolean firstDevice) {
                events.add("opened " + session.device() + (firstDevice ? " first" : ""));
            }

            @Override
            public void sessionClosed(Session session, boolean lastDevice) {
                events.add("closed " + session.device() + (lastDevice ? " last" : ""));
            }
        };
        registry.addListener(new ComponentServiceObjects<>() {
            @Override
            public SessionListener getService() {
                return listener;
            }

            @Override
            public void ungetService(SessionListener service) {
            }

            @Override
            public ServiceReference<SessionListener> getServiceReference() {
                return null;
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        registry.deactivate();
    }

    private String next() throws InterruptedException {
        String e = events.poll(5, TimeUnit.SECONDS);
        return e == null ? "nothing" : e;
    }

    private static Session device(String name) {
        return new Session(1, "anna", name, "t-" + name);
    }

    @Test
    void onOneNodeTheFirstAndLastDeviceHereDecide() throws InterruptedException {
        EmbeddedChannel phone = new EmbeddedChannel();
        EmbeddedChannel pc = new EmbeddedChannel();
        registry.register(device("phone"), phone);
        registry.register(device("pc"), pc);
        registry.unregister(device("phone"), phone);
        registry.unregister(device("pc"), pc);
        assertEquals(List.of("opened phone first", "opened pc", "closed phone", "closed pc last"),
                List.of(next(), next(), next(), next()));
    }

    @Test
    void inAClusterTheSharedPresenceDecides() throws InterruptedException {
        // Online on another node all along: nothing here is a first or a last device.
        registry.bindShared(new SharedPresence() {
            @Override
            public boolean arrived(Session session) {
                return false;
            }

            @Override
            public boolean left(Session session) {
                return false;
            }

            @Override
            public boolean isOnline(long userId) {
                return userId == 7;
            }
        });
        EmbeddedChannel phone = new EmbeddedChannel();
        registry.register(device("phone"), phone);
        registry.unregister(device("phone"), phone);
        assertEquals(List.of("opened phone", "closed phone"), List.of(next(), next()));
        // The one PresenceService answers for every node: user 7 is online elsewhere, user 8 nowhere.
        assertTrue(registry.isOnline(7));
        assertFalse(registry.isOnline(8));
    }

    @Test
    void aSharedPresenceThatFailsLeavesTheDecisionToThisNode() throws InterruptedException {
        registry.bindShared(new SharedPresence() {
            @Override
            public boolean arrived(Session session) {
                throw new IllegalStateException("Redis is down");
            }

            @Override
            public boolean left(Session session) {
                throw new IllegalStateException("Redis is down");
            }

            @Override
            public boolean isOnline(long userId) {
                throw new IllegalStateException("Redis is down");
            }
        });
        EmbeddedChannel phone = new EmbeddedChannel();
        registry.register(device("phone"), phone);
        registry.unregister(device("phone"), phone);
        assertEquals(List.of("opened phone first", "closed phone last"), List.of(next(), next()));
        assertFalse(registry.isOnline(8), "this node's own sessions answer");
    }
}
