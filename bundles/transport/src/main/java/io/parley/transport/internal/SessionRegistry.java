package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.NoticeBus;
import io.parley.api.session.NoticeSink;
import io.parley.api.session.PresenceService;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.api.session.SessionListener;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * Which device of which user is on which channel, on this node; on one node that is also who is online. A second login of the same user and device
 * replaces the first: the old channel gets KICKED and is closed. Session listeners are told on one thread
 * of their own, in order, so a slow listener never stalls a network event loop.
 */
@Component(service = {PushService.class, PresenceService.class, NoticeSink.class, SessionRegistry.class},
        configurationPid = "io.parley.transport")
public final class SessionRegistry implements PushService, PresenceService, NoticeSink {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private static final String SAME_DEVICE = "Logged in again on the same device.";
    private static final int KICK_WRITE_SECONDS = 5;

    /**
     * Away while the serialization bundle is updated: notices that fall in that window are dropped (a notice is
     * a hint) and a kick closes without its KICKED notice.
     */
    private final ServiceSlot<Serializer> serializer;
    /** A logged-in device: its session and the channel it is on. */
    private record Bound(Session session, Channel channel) {
    }

    private final Map<Long, Map<String, Bound>> byUser = new ConcurrentHashMap<>();

    /** Notices for devices on other nodes (Redis pub/sub, say); none on a single node. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NoticeBus bus;
    /**
     * Listeners' events (presence, pending friend requests) on one thread, in order, with a bounded queue: a
     * client that logs in and out in a loop cannot grow it without end. An event beyond is dropped; what it
     * carries is a hint (PRESENCE), or is delivered again at the next login (friend requests).
     */
    private final ThreadPoolExecutor events;
    private final AtomicLong droppedEvents = new AtomicLong();

    /**
     * Fetched only when an event fires: listeners (presence) need this registry's PushService, so binding
     * them while this component activates would be a cycle.
     */
    private final List<ComponentServiceObjects<SessionListener>> listeners = new CopyOnWriteArrayList<>();

    /** The largest notice body: longer ones are cut ({@link BodyFit}) or, when they cannot be, not sent. */
    private volatile int maxBody;

    @Activate
    public SessionRegistry(TransportConfiguration config, @Reference LiveSerializer serializer) {
        this.serializer = serializer;
        maxBody = config.maxBody();
        events = eventThread(config.maxQueuedSessionEvents());
    }

    private static ThreadPoolExecutor eventThread(int maxQueued) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(Math.max(1, maxQueued)), r -> {
            Thread t = new Thread(r, "parley-session-events");
            t.setDaemon(true);
            return t;
        });
    }

    @Modified
    void modified(TransportConfiguration config) {
        maxBody = config.maxBody();
    }

    /** For tests, with a serializer that stays. */
    SessionRegistry(Serializer serializer, int maxBody) {
        this.serializer = new ServiceSlot<>(serializer);
        this.maxBody = maxBody;
        this.events = eventThread(1000);
    }

    /** A listener that arrives while devices are logged in is told of each of them, as if they had just come. */
    @Reference(service = SessionListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addListener(ComponentServiceObjects<SessionListener> listener) {
        listeners.add(listener);
        List<List<Session>> current = byUser.values().stream()
                .map(devices -> devices.values().stream().map(Bound::session).toList())
                .toList();
        if (current.isEmpty()) {
            return;
        }
        fire(List.of(listener), l -> {
            for (List<Session> devices : current) {
                for (int i = 0; i < devices.size(); i++) {
                    l.sessionOpened(devices.get(i), i == 0);
                }
            }
        });
    }

    void removeListener(ComponentServiceObjects<SessionListener> listener) {
        listeners.remove(listener);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        events.shutdown();
        events.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Binds a session to a channel, kicking a channel that held the same user and device. */
    void register(Session session, Channel channel) {
        Bound[] previous = new Bound[1];
        boolean[] first = new boolean[1];
        byUser.compute(session.userId(), (id, devices) -> {
            Map<String, Bound> next = devices == null ? new ConcurrentHashMap<>() : devices;
            first[0] = next.isEmpty();
            previous[0] = next.put(session.device(), new Bound(session, channel));
            return next;
        });
        if (previous[0] != null && previous[0].channel() != channel) {
            close(previous[0].channel(), SAME_DEVICE);
        }
        // The same device may be connected to another node: that connection is the older one.
        NoticeBus cluster = bus;
        if (cluster != null) {
            cluster.publishEndSessions(session.userId(), session.device(), false, SAME_DEVICE);
        }
        fire(listeners, l -> l.sessionOpened(session, first[0]));
    }

    /** Removes the binding if this channel still holds it (a kicked channel no longer does). */
    void unregister(Session session, Channel channel) {
        boolean[] removed = new boolean[1];
        boolean[] last = new boolean[1];
        byUser.computeIfPresent(session.userId(), (id, devices) -> {
            Bound bound = devices.get(session.device());
            removed[0] = bound != null && bound.channel() == channel && devices.remove(session.device(), bound);
            last[0] = devices.isEmpty();
            return last[0] ? null : devices;
        });
        if (removed[0]) {
            fire(listeners, l -> l.sessionClosed(session, last[0]));
        }
    }

    /**
     * Sends KICKED and closes once it is written; at once when the client is not reading what it is sent,
     * and after {@link #KICK_WRITE_SECONDS} at most, so a client that stopped reading cannot keep the channel.
     */
    void close(Channel channel, String reason) {
        Serializer s = serializer.now();
        if (!channel.isWritable() || s == null) {
            channel.close();
            return;
        }
        channel.writeAndFlush(Frame.notice(Types.KICKED, s.write(null, new KickedNotice(reason))))
                .addListener(ChannelFutureListener.CLOSE);
        channel.eventLoop().schedule(() -> channel.close(), KICK_WRITE_SECONDS, TimeUnit.SECONDS);
    }

    /** A logged-in device as the operator's console lists it. */
    record SessionView(String username, String device, String address) {
    }

    /** Every session on this node, by username then device. */
    List<SessionView> sessions() {
        List<SessionView> out = new ArrayList<>();
        for (Map<String, Bound> devices : byUser.values()) {
            for (Bound b : devices.values()) {
                out.add(new SessionView(b.session().username(), b.session().device(),
                        String.valueOf(b.channel().remoteAddress())));
            }
        }
        out.sort(Comparator.comparing(SessionView::username, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(SessionView::device));
        return out;
    }

    /** Ends every session of the user (usernames match case-insensitively) on this node only. */
    int endSessionsOf(String username, String reason) {
        for (Map<String, Bound> devices : byUser.values()) {
            for (Bound b : devices.values()) {
                if (b.session().username().equalsIgnoreCase(username)) {
                    return endSessions(b.session().userId(), null, true, reason);
                }
            }
        }
        return 0;
    }

    /** Ends the sessions here and, through the bus when there is one, on the other nodes. */
    @Override
    public int kick(long userId, String exceptDevice, String reason) {
        NoticeBus cluster = bus;
        if (cluster != null) {
            cluster.publishEndSessions(userId, exceptDevice, true, reason);
        }
        return endSessions(userId, exceptDevice, true, reason);
    }

    @Override
    public int endSessions(long userId, String device, boolean allOthers, String reason) {
        Map<String, Bound> devices = byUser.get(userId);
        if (devices == null) {
            return 0;
        }
        int kicked = 0;
        for (Map.Entry<String, Bound> e : devices.entrySet()) {
            if (e.getKey().equals(device) != allOthers) {
                // The binding goes when the channel closes, as for any connection that ends.
                close(e.getValue().channel(), reason);
                kicked++;
            }
        }
        return kicked;
    }

    /** Writes to this node's devices and, through the bus when there is one, to the user's devices elsewhere. */
    @Override
    public int push(long userId, int type, Object body) {
        NoticeBus cluster = bus;
        if (cluster == null && !isOnline(userId)) {
            return 0; // nobody to write to: not even worth serializing
        }
        Serializer s = serializer.now();
        if (s == null) {
            LOG.debug("Notice {} to user {} dropped: the serializer is being updated", type, userId);
            return 0;
        }
        byte[] bytes = BodyFit.write(s, null, body, maxBody, 0);
        if (bytes == null) {
            LOG.warn("Notice {} to user {} dropped: larger than maxBody ({} bytes)", Types.name(type), userId, maxBody);
            return 0;
        }
        if (cluster != null) {
            cluster.publish(userId, type, bytes);
        }
        return deliver(userId, type, bytes);
    }

    @Override
    public int deliver(long userId, int type, byte[] body) {
        Map<String, Bound> devices = byUser.get(userId);
        if (devices == null || devices.isEmpty()) {
            return 0;
        }
        Frame notice = Frame.notice(type, body);
        int written = 0;
        for (Bound bound : devices.values()) {
            Channel channel = bound.channel();
            // A notice is a hint: a device that does not read its socket misses it rather than growing our heap.
            if (channel.isActive() && channel.isWritable()) {
                if (Answering.byThisThread(channel)) {
                    channel.write(notice, channel.voidPromise());
                } else {
                    channel.writeAndFlush(notice, channel.voidPromise());
                }
                written++;
            }
        }
        return written;
    }

    @Override
    public Set<String> devices(long userId) {
        Map<String, Bound> devices = byUser.get(userId);
        return devices == null ? Set.of() : Set.copyOf(devices.keySet());
    }

    @Override
    public boolean isOnline(long userId) {
        Map<String, Bound> devices = byUser.get(userId);
        return devices != null && !devices.isEmpty();
    }

    /** Number of logged-in devices on this node, for the shell and tests. */
    int sessionCount() {
        return byUser.values().stream().mapToInt(Map::size).sum();
    }

    private void fire(List<ComponentServiceObjects<SessionListener>> current, Consumer<SessionListener> event) {
        if (current.isEmpty()) {
            return;
        }
        try {
            events.execute(() -> {
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
            });
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
