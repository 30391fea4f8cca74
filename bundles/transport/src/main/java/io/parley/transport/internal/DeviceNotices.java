package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.NoticeBus;
import io.parley.api.session.NoticeSink;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the logged-in devices of this node: notices pushed here ({@link PushService}) or arriving from other
 * nodes ({@link NoticeSink}), and KICKED before a session is ended. What it pushes it also hands to the
 * cluster's {@link NoticeBus}, when there is one, for the user's devices elsewhere.
 *
 * <p>A notice pushed while a handler of the same connection is answering (a user's own other devices, say) is
 * written without a flush: the answer's flush carries it. From any other thread it is flushed at once.
 */
@Component(service = {DeviceNotices.class, PushService.class, NoticeSink.class}, configurationPid = "io.parley.transport")
public final class DeviceNotices implements PushService, NoticeSink {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceNotices.class);
    private static final String SAME_DEVICE = "Logged in again on the same device.";
    private static final int KICK_WRITE_SECONDS = 5;

    private final SessionRegistry sessions;
    /**
     * Away while the serialization bundle is updated: notices that fall in that window are dropped (a notice is
     * a hint) and a kick closes without its KICKED notice.
     */
    private final ServiceSlot<Serializer> serializer;

    /** Notices for devices on other nodes (Redis pub/sub, say); none on a single node. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NoticeBus bus;

    /** The largest notice body: longer ones are cut ({@link BodyFit}) or, when they cannot be, not sent. */
    private volatile int maxBody;

    @Activate
    public DeviceNotices(TransportConfiguration config, @Reference SessionRegistry sessions,
            @Reference LiveSerializer serializer) {
        this(sessions, serializer, config.maxBody());
    }

    /** For tests. */
    DeviceNotices(SessionRegistry sessions, ServiceSlot<Serializer> serializer, int maxBody) {
        this.sessions = sessions;
        this.serializer = serializer;
        this.maxBody = maxBody;
    }

    @Modified
    void modified(TransportConfiguration config) {
        maxBody = config.maxBody();
    }

    /**
     * Before a login is bound (and so before it is answered): the cluster's bus, if any, routes the user's notices
     * from the other nodes here from now on. A bus that fails is logged; the login goes on.
     */
    void reachableHere(long userId) {
        NoticeBus cluster = bus;
        if (cluster != null) {
            try {
                cluster.reachableHere(userId);
            } catch (RuntimeException e) {
                LOG.warn("The notice bus failed ({}); notices from other nodes may miss user {} for a while",
                        e.toString(), userId);
            }
        }
    }

    @Override
    public void forEachUser(LongConsumer user) {
        sessions.forEachUser(user);
    }

    /** For tests: the bus SCR binds. */
    void bus(NoticeBus next) {
        bus = next;
    }

    /**
     * After a login: ends the channel the same device was on here, if any, and asks the other nodes to end
     * theirs, which is the older connection.
     */
    void loggedIn(Session session, SessionRegistry.Registered registered) {
        if (registered.replaced() != null) {
            close(registered.replaced(), SAME_DEVICE);
        }
        NoticeBus cluster = bus;
        if (cluster != null) {
            cluster.publishEndSessions(session.userId(), session.device(), false, SAME_DEVICE);
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

    /** Ends every session of the user (usernames match case-insensitively) on this node only. */
    /** What a user whose sessions the operator ends is told (parley:kick, sessions.kick). */
    static final String BY_OPERATOR = "Disconnected by the server's operator.";

    int endSessionsOf(String username, String reason) {
        Long userId = sessions.userIdOf(username);
        return userId == null ? 0 : endSessions(userId, null, true, reason);
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
        int kicked = 0;
        for (SessionRegistry.Device bound : sessions.devicesOf(userId)) {
            Session session = bound.session();
            // The user id again: a connection read from the table just before it logged in as another user.
            if (session.userId() == userId && session.device().equals(device) != allOthers) {
                // The binding goes when the channel closes, as for any connection that ends.
                close(bound.channel(), reason);
                kicked++;
            }
        }
        return kicked;
    }

    /** Writes to this node's devices and, through the bus when there is one, to the user's devices elsewhere. */
    @Override
    public int push(long userId, int type, Object body) {
        NoticeBus cluster = bus;
        if (cluster == null && !sessions.isOnline(userId)) {
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
        Frame notice = Frame.notice(type, body);
        int written = 0;
        for (SessionRegistry.Device bound : sessions.devicesOf(userId)) {
            if (bound.session().userId() != userId) {
                continue; // logged in as another user since the table was read
            }
            Channel channel = bound.channel();
            // A notice is a hint: a device that does not read its socket misses it rather than growing our heap.
            if (channel.isActive() && channel.isWritable()) {
                ConnectionHandler connection = bound instanceof ConnectionHandler c ? c
                        : channel.pipeline().get(ConnectionHandler.class);
                if (connection != null && connection.answeredByThisThread()) {
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
        return sessions.devices(userId);
    }

    @Override
    public boolean isOnline(long userId) {
        return sessions.isOnline(userId);
    }
}
