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

    /** A device as a plain pair. */
    private record Bound(Session session, io.netty.channel.Channel channel) implements SessionRegistry.Device {
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
        registry.register(new Bound(device("phone"), phone));
        registry.register(new Bound(device("pc"), pc));
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
        registry.register(new Bound(device("phone"), phone));
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
        registry.register(new Bound(device("phone"), phone));
        registry.unregister(device("phone"), phone);
        assertEquals(List.of("opened phone first", "closed phone last"), List.of(next(), next()));
        assertFalse(registry.isOnline(8), "this node's own sessions answer");
    }

    private static Session device(long userId, String name) {
        return new Session(userId, "user" + userId, name, "t-" + userId + "-" + name);
    }

    private List<String> devicesOf(long userId) {
        return registry.devicesOf(userId).stream().map(d -> d.session().device()).toList();
    }

    @Test
    void aUsersDevicesComeAndGoAndTheSameDeviceAgainReplacesItsEarlierChannel() {
        EmbeddedChannel phone = new EmbeddedChannel();
        EmbeddedChannel pc = new EmbeddedChannel();
        EmbeddedChannel web = new EmbeddedChannel();
        assertEquals(new SessionRegistry.Registered(null, true), registry.register(new Bound(device(5, "phone"), phone)));
        assertEquals(new SessionRegistry.Registered(null, false), registry.register(new Bound(device(5, "pc"), pc)));
        registry.register(new Bound(device(5, "web"), web));
        assertEquals(List.of("web", "pc", "phone"), devicesOf(5), "newest first");
        assertEquals(3, registry.sessionCount());

        registry.unregister(device(5, "pc"), phone);
        assertEquals(List.of("web", "pc", "phone"), devicesOf(5), "another channel's session is not removed");
        registry.unregister(device(5, "pc"), pc);
        assertEquals(List.of("web", "phone"), devicesOf(5));

        EmbeddedChannel phoneAgain = new EmbeddedChannel();
        SessionRegistry.Registered again = registry.register(new Bound(device(5, "phone"), phoneAgain));
        assertEquals(phone, again.replaced(), "the earlier channel of the same device is handed back to end");
        assertFalse(again.firstDevice());
        assertEquals(List.of("phone", "web"), devicesOf(5));
        assertEquals(phoneAgain, registry.devicesOf(5).get(0).channel());
        assertEquals(java.util.Set.of("phone", "web"), registry.devices(5));
        assertEquals(Long.valueOf(5), registry.userIdOf("USER5"));

        registry.unregister(device(5, "phone"), phoneAgain);
        registry.unregister(device(5, "web"), web);
        assertEquals(List.of(), devicesOf(5));
        assertFalse(registry.isOnline(5));
        assertEquals(0, registry.sessionCount());
    }

    @Test
    void manyUsersOnManyThreadsAreEachFoundAndGoneAgain() throws Exception {
        int threads = 8;
        int users = 2_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    // Each thread logs in one device of every user: all threads change the same users at once.
                    for (long id = 1; id <= users; id++) {
                        registry.register(new Bound(device(id, "d" + thread), new EmbeddedChannel()));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(threads * users, registry.sessionCount());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        registry.forEachUser(seen::add);
        assertEquals(users, seen.size());
        for (long id = 1; id <= users; id++) {
            assertEquals(threads, registry.devicesOf(id).size(), "user " + id);
            assertTrue(registry.isOnline(id));
        }
        assertFalse(registry.isOnline(users + 1));
    }

    /** A device whose session changes in place, as a connection's does when it logs in again. */
    private static final class Relogging implements SessionRegistry.Device {
        volatile Session session;
        final EmbeddedChannel channel = new EmbeddedChannel();

        Relogging(Session session) {
            this.session = session;
        }

        @Override
        public Session session() {
            return session;
        }

        @Override
        public io.netty.channel.Channel channel() {
            return channel;
        }
    }

    @Test
    void aConnectionReadFromTheTableAfterItBecameAnotherUserIsNotTheOldUsersDevice() {
        Relogging connection = new Relogging(device(5, "pc"));
        registry.register(connection);
        registry.register(new Bound(device(5, "phone"), new EmbeddedChannel()));
        // What a reader holding the table's value from before the second login sees meanwhile.
        connection.session = device(7, "pc");
        assertEquals(List.of("phone"), devicesOf(5));
        assertEquals(java.util.Set.of("phone"), registry.devices(5));
    }
}
