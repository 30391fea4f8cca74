package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.parley.api.session.PresenceService;
import io.parley.api.session.Session;
import io.parley.api.session.SessionListener;
import io.parley.api.session.SharedPresence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which device of which user is on which channel, on this node: the one table of logged-in sessions. On one
 * node that is also who is online, so the table answers {@link PresenceService} (a cluster's presence, ranked
 * above it, shares it across nodes). Writing to the devices is {@link DeviceNotices}' job. Session listeners
 * are told on one thread of their own, in order, so a slow listener never stalls a network event loop.
 */
@Component(service = {SessionRegistry.class, PresenceService.class}, configurationPid = "io.parley.transport")
public final class SessionRegistry implements PresenceService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /**
     * A logged-in device: its session and the channel it is on. A connection is its own device (its session
     * changes only by logging in again, which takes it out of the table first).
     */
    interface Device {
        Session session();

        Channel channel();
    }

    /**
     * What a registration did: the channel the same device was on before, if another, which the caller ends;
     * and whether this is the user's first device on this node.
     */
    record Registered(Channel replaced, boolean firstDevice) {
    }

    /** What an unregistration did: whether this channel still held the binding, and whether it was the last. */
    private record Unregistered(boolean removed, boolean lastDevice) {
    }

    /**
     * Each user's logged-in devices on this node: the {@link Device} itself when there is one (most users), else an
     * immutable {@code List<Device>}, newest first; replaced whole on each change, never changed in place. Neither
     * a map nor a link object per user: idle connections are counted in bytes.
     */
    private final UserTable<Object> byUser = new UserTable<>();

    /**
     * Listeners' events (presence, pending friend requests) on one thread, in order, with a bounded queue: a
     * client that logs in and out in a loop cannot grow it without end. An event beyond is dropped; what it
     * carries is a hint (PRESENCE), or is delivered again at the next login (friend requests).
     */
    private final ThreadPoolExecutor events;
    private final AtomicLong droppedEvents = new AtomicLong();

    /**
     * Fetched only when an event fires: listeners (presence) need the transport's PushService, which needs this
     * registry, so binding them while this component activates would be a cycle.
     */
    private final List<ComponentServiceObjects<SessionListener>> listeners = new CopyOnWriteArrayList<>();

    /** A cluster's presence, which decides "first device" and "last device" across nodes; none on one node. */
    private volatile SharedPresence shared;

    @Activate
    public SessionRegistry(TransportConfiguration config) {
        this(config.maxQueuedSessionEvents());
    }

    /**
     * Another transport setting changed: nothing here follows it ({@code maxQueuedSessionEvents} applies at the
     * next start). Without this method DS would restart the registry, and with it every session and every
     * component that pushes notices.
     */
    @Modified
    void modified(TransportConfiguration config) {
    }

    /** For tests. */
    SessionRegistry(int maxQueuedEvents) {
        events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(Math.max(1, maxQueuedEvents)),
                r -> {
                    Thread t = new Thread(r, "parley-session-events");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A listener that arrives while devices are logged in is told of each of them, as if they had just come. */
    @Reference(service = SessionListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addListener(ComponentServiceObjects<SessionListener> listener) {
        listeners.add(listener);
        List<List<Session>> current = sessionsByUser();
        if (current.isEmpty()) {
            return;
        }
        onEventThread(() -> tellListeners(List.of(listener), l -> {
            for (List<Session> devices : current) {
                for (int i = 0; i < devices.size(); i++) {
                    l.sessionOpened(devices.get(i), i == 0);
                }
            }
        }));
    }

    void removeListener(ComponentServiceObjects<SessionListener> listener) {
        listeners.remove(listener);
    }

    /** A shared presence that arrives while devices are logged in here is told of each of them. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindShared(SharedPresence presence) {
        shared = presence;
        List<Session> current = sessionsByUser().stream().flatMap(List::stream).toList();
        onEventThread(() -> current.forEach(session -> tell(presence, session, true, false)));
    }

    void unbindShared(SharedPresence presence) {
        if (shared == presence) {
            shared = null;
        }
    }

    /**
     * Tells the shared presence, if any, of a device that came or went, and returns what it says of the whole
     * cluster; {@code local}, this node's own answer, without one or when it fails.
     */
    private static boolean tell(SharedPresence presence, Session session, boolean arrived, boolean local) {
        if (presence == null) {
            return local;
        }
        try {
            return arrived ? presence.arrived(session) : presence.left(session);
        } catch (RuntimeException e) {
            LOG.warn("Shared presence failed ({}); this node's sessions decide who came online", e.toString());
            return local;
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        events.shutdown();
        events.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Binds a device's session to it. A device that held the same user and device name on another channel is no
     * longer bound; the caller ends it ({@link DeviceNotices#loggedIn}).
     */
    Registered register(Device device) {
        Session session = device.session();
        Registered[] result = new Registered[1];
        byUser.update(session.userId(), devices -> {
            Device same = find(devices, session.device());
            Channel replaced = same == null || same.channel() == device.channel() ? null : same.channel();
            result[0] = new Registered(replaced, devices == null);
            return with(without(devices, session.device()), device);
        });
        boolean firstHere = result[0].firstDevice();
        onEventThread(() -> {
            boolean first = tell(shared, session, true, firstHere);
            tellListeners(listeners, l -> l.sessionOpened(session, first));
        });
        return result[0];
    }

    /** Removes the binding if this channel still holds it (a kicked channel no longer does). */
    void unregister(Session session, Channel channel) {
        Unregistered[] result = {new Unregistered(false, false)};
        byUser.update(session.userId(), devices -> {
            Device bound = find(devices, session.device());
            if (bound == null || bound.channel() != channel) {
                return devices;
            }
            Object rest = without(devices, session.device());
            result[0] = new Unregistered(true, rest == null);
            return rest;
        });
        if (result[0].removed()) {
            boolean lastHere = result[0].lastDevice();
            onEventThread(() -> {
                boolean last = tell(shared, session, false, lastHere);
                tellListeners(listeners, l -> l.sessionClosed(session, last));
            });
        }
    }

    /** A user's devices as a list; {@code devices} is a table value ({@link #byUser}) or null. */
    @SuppressWarnings("unchecked")
    private static List<Device> list(Object devices) {
        if (devices == null) {
            return List.of();
        }
        return devices instanceof Device one ? List.of(one) : (List<Device>) devices;
    }

    private static Device find(Object devices, String name) {
        for (Device d : list(devices)) {
            if (d.session().device().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The devices without the one of that name, as a table value: null when none is left. */
    private static Object without(Object devices, String name) {
        if (find(devices, name) == null) {
            return devices;
        }
        List<Device> rest = list(devices).stream().filter(d -> !d.session().device().equals(name)).toList();
        return rest.isEmpty() ? null : rest.size() == 1 ? rest.get(0) : rest;
    }

    /** The devices with one more, newest first, as a table value. */
    private static Object with(Object devices, Device device) {
        if (devices == null) {
            return device;
        }
        List<Device> all = new ArrayList<>();
        all.add(device);
        all.addAll(list(devices));
        return List.copyOf(all);
    }

    /** Calls {@code user} with each user who has a logged-in device on this node. */
    void forEachUser(LongConsumer user) {
        byUser.forEachUser(user);
    }

    /** The user's logged-in devices on this node and their channels; empty when there are none. */
    List<Device> devicesOf(long userId) {
        List<Device> devices = list(byUser.get(userId));
        for (Device d : devices) {
            if (d.session().userId() != userId) {
                // Read from the table just before it logged in as another user: not this user's any more.
                return devices.stream().filter(other -> other.session().userId() == userId).toList();
            }
        }
        return devices;
    }

    /**
     * Each user's sessions on this node, each user's read as the table held them (a connection that logs in as
     * another user meanwhile is never read with the new user's session under the old user).
     */
    private List<List<Session>> sessionsByUser() {
        return byUser.values(devices -> list(devices).stream().map(Device::session).toList());
    }

    /** The user's id if any device of the username (matched case-insensitively) is logged in on this node. */
    Long userIdOf(String username) {
        for (List<Session> devices : sessionsByUser()) {
            for (Session session : devices) {
                if (session.username().equalsIgnoreCase(username)) {
                    return session.userId();
                }
            }
        }
        return null;
    }

    /** A logged-in device as the operator's console lists it. */
    /** How many users the sessions belong to (usernames compared ignoring case). */
    static long users(List<SessionView> sessions) {
        return sessions.stream().map(v -> v.username().toLowerCase(java.util.Locale.ROOT)).distinct().count();
    }

    record SessionView(String username, String device, String address) {
    }

    /** Every session on this node, by username then device. */
    List<SessionView> sessions() {
        List<SessionView> out = new ArrayList<>();
        out.addAll(byUser.values(devices -> list(devices).stream()
                .map(d -> new SessionView(d.session().username(), d.session().device(),
                        String.valueOf(ClientAddress.of(d.channel()))))
                .toList()).stream().flatMap(List::stream).toList());
        out.sort(Comparator.comparing(SessionView::username, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(SessionView::device));
        return out;
    }

    /** The devices of the user that are logged in on this node. */
    Set<String> devices(long userId) {
        return devicesOf(userId).stream().map(d -> d.session().device()).collect(Collectors.toUnmodifiableSet());
    }

    /** Online on this node, or, in a cluster, on any node as the shared presence says. */
    @Override
    public boolean isOnline(long userId) {
        if (byUser.contains(userId)) {
            return true;
        }
        SharedPresence presence = shared;
        if (presence == null) {
            return false;
        }
        try {
            return presence.isOnline(userId);
        } catch (RuntimeException e) {
            LOG.debug("The shared presence failed ({}); answering from this node's sessions", e.toString());
            return false;
        }
    }

    /** Number of logged-in devices on this node, for the shell and tests. */
    int sessionCount() {
        return byUser.values(devices -> list(devices).size()).stream().mapToInt(Integer::intValue).sum();
    }

    private static void tellListeners(List<ComponentServiceObjects<SessionListener>> current,
            Consumer<SessionListener> event) {
        for (ComponentServiceObjects<SessionListener> objects : current) {
            SessionListener listener = objects.getService();
            if (listener == null) {
                continue; // it went away meanwhile
            }
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.error("Session listener {} failed", listener, e);
            } finally {
                objects.ungetService(listener);
            }
        }
    }

    private void onEventThread(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException e) {
            if (events.isShutdown()) {
                LOG.debug("Session event dropped while the registry stops");
            } else if (droppedEvents.getAndIncrement() % 10_000 == 0) {
                LOG.warn("Session events are {} behind; dropping ({} so far): presence notices may be missed",
                        events.getQueue().size(), droppedEvents.get());
            }
        }
    }
}
