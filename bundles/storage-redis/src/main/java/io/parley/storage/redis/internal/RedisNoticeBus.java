package io.parley.storage.redis.internal;

import io.parley.api.metrics.Gauges;
import io.parley.api.metrics.Meters;
import io.parley.api.session.NoticeBus;
import io.parley.api.session.NoticeSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Notices between nodes over Redis pub/sub: every node publishes the notices it pushes on one channel per
 * Redis database and delivers the other nodes' notices to its own devices of the user; requests to end a
 * user's sessions (a login on the same device elsewhere, a password change) travel the same way. Pub/sub
 * keeps nothing, which is what a notice needs: it is a hint, and a device that misses one pulls.
 *
 * <p>Publishing happens on a thread of its own behind a bounded queue, so a slow or unreachable Redis never
 * holds up a request; when the queue is full a notice is dropped. The subscriber reconnects by itself.
 */
@Component(service = NoticeBus.class)
public final class RedisNoticeBus implements NoticeBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisNoticeBus.class);
    private static final int QUEUE = 10_000;
    private static final long RETRY_MS = 1000;

    private final RedisConnection redis;
    /**
     * Fetched at the first notice, not while activating: the transport that provides the sink binds this bus
     * while it activates itself, so getting the sink here would be a cycle (SCR refuses it).
     */
    private final ComponentServiceObjects<NoticeSink> sinks;
    private NoticeSink sink;
    private final byte[] channel;
    private final byte[] origin;
    private final ThreadPoolExecutor publisher;
    private final Thread subscriber;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile BinaryJedisPubSub current;
    private volatile Meters meters;
    private final Gauges gauges = new Gauges();

    @Activate
    public RedisNoticeBus(@Reference RedisConnection redis, @Reference ComponentServiceObjects<NoticeSink> sinks) {
        this.redis = redis;
        this.sinks = sinks;
        this.channel = ("parley:notices:" + redis.database).getBytes(StandardCharsets.UTF_8);
        this.origin = redis.nodeId.getBytes(StandardCharsets.UTF_8);
        if (origin.length > 255) {
            throw new IllegalArgumentException("nodeId is longer than 255 bytes: " + redis.nodeId);
        }
        this.publisher = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "parley-notice-publisher");
            t.setDaemon(true);
            return t;
        }, (task, pool) -> {
            if (!pool.isShutdown()) {
                dropped("the queue was full");
            }
        });
        this.subscriber = new Thread(this::subscribe, "parley-notice-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
    }

    @Deactivate
    public void close() {
        running = false;
        publisher.shutdown();
        try {
            // Unsubscribing ends the subscriber's blocking call; a subscription that was still being set up
            // when we started is caught by the next round.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (subscriber.isAlive() && System.nanoTime() < deadline) {
                BinaryJedisPubSub pubSub = current;
                if (pubSub != null && pubSub.isSubscribed()) {
                    pubSub.unsubscribe();
                }
                subscriber.join(100);
            }
            publisher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (sink != null) {
                sinks.ungetService(sink);
                sink = null;
            }
        }
    }

    private synchronized NoticeSink sink() {
        if (sink == null && running) {
            sink = sinks.getService();
        }
        return sink;
    }

    /** True once this node listens for other nodes' notices (tests wait for it: pub/sub keeps nothing). */
    boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        return subscribed.await(timeout, unit);
    }

    /** A message's first byte: a notice for the user's devices, or a request to end sessions. */
    static final byte NOTICE = 'N';
    static final byte END_SESSIONS = 'E';

    @Override
    public void publish(long userId, int type, byte[] body) {
        send(userId, encode(NOTICE, origin, userId, ByteBuffer.allocate(4 + body.length).putInt(type).put(body).array()));
    }

    @Override
    public void publishEndSessions(long userId, String device, boolean allOthers, String reason) {
        byte[] d = device == null ? new byte[0] : device.getBytes(StandardCharsets.UTF_8);
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] rest = ByteBuffer.allocate(2 + 1 + d.length + r.length)
                .put((byte) (allOthers ? 1 : 0)).put((byte) (device == null ? 0 : 1)).put((byte) d.length).put(d).put(r)
                .array();
        send(userId, encode(END_SESSIONS, origin, userId, rest));
    }

    private void send(long userId, byte[] message) {
        publisher.execute(() -> {
            try {
                redis.redis.publish(channel, message);
                Meters m = meters;
                if (m != null) {
                    m.count("parley.notices.published", "Notices this node published to the other nodes over Redis");
                }
            } catch (JedisException e) {
                LOG.debug("A message for user {} did not reach the other nodes: {}", userId, e.getMessage());
                dropped("Redis refused it");
            }
        });
    }

    private void dropped(String why) {
        Meters m = meters;
        if (m != null) {
            m.count("parley.notices.dropped", "Notices for the other nodes dropped (a full queue, Redis refusing); "
                    + "a notice is a hint, so devices catch up at their next pull", "reason",
                    why.equals("the queue was full") ? "queue" : "redis");
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMeters(Meters next) {
        meters = next;
        gauges.add(next.gauge("parley.notices.queue", "Notices waiting to be published to the other nodes",
                () -> publisher.getQueue().size()));
    }

    synchronized void unbindMeters(Meters gone) {
        meters = null;
        gauges.closeAll();
    }

    /** [kind][origin length][origin][user id][the kind's own part]. */
    static byte[] encode(byte kind, byte[] origin, long userId, byte[] rest) {
        return ByteBuffer.allocate(2 + origin.length + 8 + rest.length)
                .put(kind).put((byte) origin.length).put(origin).putLong(userId).put(rest).array();
    }

    private void subscribe() {
        boolean warned = false;
        while (running) {
            BinaryJedisPubSub pubSub = new BinaryJedisPubSub() {
                @Override
                public void onSubscribe(byte[] name, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(byte[] name, byte[] message) {
                    receive(message);
                }
            };
            current = pubSub;
            try {
                redis.redis.subscribe(pubSub, channel);
                warned = false;
            } catch (JedisException e) {
                if (!warned) {
                    LOG.warn("Notices from other nodes are not arriving: Redis failed ({}); retrying every {} ms",
                            e.getMessage(), RETRY_MS);
                    warned = true;
                }
                sleep();
            }
        }
    }

    private void receive(byte[] message) {
        try {
            ByteBuffer in = ByteBuffer.wrap(message);
            byte kind = in.get();
            byte[] from = new byte[Byte.toUnsignedInt(in.get())];
            in.get(from);
            if (java.util.Arrays.equals(from, origin)) {
                return; // this node's own message: it has acted on it already
            }
            long userId = in.getLong();
            NoticeSink devices = sink();
            if (devices == null) {
                return;
            }
            if (kind == NOTICE) {
                int type = in.getInt();
                byte[] body = new byte[in.remaining()];
                in.get(body);
                devices.deliver(userId, type, body);
            } else if (kind == END_SESSIONS) {
                boolean allOthers = in.get() == 1;
                boolean hasDevice = in.get() == 1;
                byte[] device = new byte[Byte.toUnsignedInt(in.get())];
                in.get(device);
                byte[] reason = new byte[in.remaining()];
                in.get(reason);
                devices.endSessions(userId, hasDevice ? new String(device, StandardCharsets.UTF_8) : null, allOthers,
                        new String(reason, StandardCharsets.UTF_8));
            } else {
                throw new IllegalArgumentException("unknown kind " + kind);
            }
        } catch (RuntimeException e) {
            // A malformed message on our channel must not stop the subscriber.
            LOG.warn("Dropped a malformed message from the cluster channel: {}", e.toString());
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
