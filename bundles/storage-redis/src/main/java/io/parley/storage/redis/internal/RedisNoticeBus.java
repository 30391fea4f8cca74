package io.parley.storage.redis.internal;

import io.parley.api.metrics.Gauges;
import io.parley.api.metrics.Meters;
import io.parley.api.session.NoticeBus;
import io.parley.api.session.NoticeSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
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
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Notices between nodes over Redis pub/sub: each node listens on a channel of its own, and a notice it pushes is
 * published, by one script in Redis, on the channels of the other nodes in the user's route, and on no other: a
 * node hears the notices of its own users, not every notice of the cluster.
 *
 * <p>A user's route ({@code parley:route:<userId>}) is a sorted set of the nodes that may have a device of the user,
 * each scored by when it expires (Redis's own clock, so the nodes' clocks need not agree). A node enters it before
 * a login is answered ({@link #reachableHere}) and renews the routes of every user the transport has logged in
 * here ({@link NoticeSink#forEachUser}) every third of {@code presenceTtlSeconds}, at once after Redis failed or
 * its subscription was made again (a restarted Redis has lost them). A route is never removed, only left to
 * expire: one that outlives the user's last device here costs a notice sent for nothing, while one missing would
 * lose notices. Requests to end a user's sessions (a login on the same device
 * elsewhere, a password change) travel the same way. Pub/sub keeps nothing, which is what a notice needs: it is
 * a hint, and a device that misses one pulls.
 *
 * <p>Publishing happens on a thread of its own behind a bounded queue, so a slow or unreachable Redis never
 * holds up a request; when the queue is full a notice is dropped. What waits is published together, in one
 * pipeline. The subscriber reconnects by itself. It also listens on the channel every node published on before
 * routing, {@code parley:notices:<database>}, so that a node of the earlier kind, during an update one node at
 * a time, is still heard (it hears only the nodes of its own kind).
 */
@Component(service = NoticeBus.class)
public final class RedisNoticeBus implements NoticeBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisNoticeBus.class);
    private static final int QUEUE = 10_000;
    /** The most notices published in one pipeline. */
    private static final int BATCH = 256;
    /**
     * KEYS: the user's route. ARGV: this node, the channels' prefix, the message. Publishes the message on the
     * channel of each other node in the route that has not expired (by Redis's clock); returns how many.
     */
    private static final String ROUTED_PUBLISH = """
            local t = redis.call('TIME')
            local now = string.format('%d', t[1] * 1000 + math.floor(t[2] / 1000))
            local nodes = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
            local sent = 0
            for _, node in ipairs(nodes) do
              if node ~= ARGV[1] then
                redis.call('PUBLISH', ARGV[2] .. node, ARGV[3])
                sent = sent + 1
              end
            end
            return sent
            """;
    private static final byte[] ROUTED_PUBLISH_SHA = sha1(ROUTED_PUBLISH);
    /**
     * KEYS: the user's route. ARGV: this node, the route's lifetime in ms. Puts the node in the route until Redis's
     * now plus the lifetime, drops the nodes that expired, and keeps the key at least as long.
     */
    private static final String ROUTE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local life = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now))
            redis.call('ZADD', KEYS[1], string.format('%d', now + life), ARGV[1])
            if redis.call('PTTL', KEYS[1]) < life then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 1
            """;
    private static final byte[] ROUTE_SHA = sha1(ROUTE);
    /** Routes renewed per pipeline. */
    private static final int ROUTES_PER_PIPELINE = 1000;
    private static final long RETRY_MS = 1000;

    private final RedisConnection redis;
    /**
     * Fetched when first needed (a notice, a renewal of routes), not while activating: the transport that provides
     * the sink binds this bus while it activates itself, so getting the sink here would be a cycle (SCR refuses it).
     */
    private final ComponentServiceObjects<NoticeSink> sinks;
    private NoticeSink sink;
    /** Where every node published before routing; still heard, see above. */
    private final byte[] broadcast;
    /** The channels' prefix, to which a node's id is appended, and this node's own channel. */
    private final byte[] prefix;
    private final byte[] channel;
    private final byte[] origin;

    record Outgoing(long userId, byte[] message) {
    }

    /** How long a route lives unless renewed (presenceTtlSeconds), and this node's lifetime argument for it. */
    private final long routeMs;
    private final byte[] routeLife;
    /** Renews the routes; see {@link #renewRoutes}. */
    private final ScheduledExecutorService routes = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-route-refresh");
        t.setDaemon(true);
        return t;
    });
    /** True when the routes must be renewed at the next look (at start, after a failure, after resubscribing). */
    private volatile boolean stale = true;
    private volatile long nextRenewal;
    /** After a failure, logins do not wait for Redis until then: the next renewal writes their routes. */
    private volatile long downUntil;
    /** True while one login tries Redis after a failure (see {@link #reachableHere}). */
    private final AtomicBoolean probing = new AtomicBoolean();
    /** Users whose route a login could not write; the next renewal writes them. */
    private final Set<Long> unrouted = ConcurrentHashMap.newKeySet();

    private final ArrayBlockingQueue<Outgoing> outgoing = new ArrayBlockingQueue<>(QUEUE);
    private final Thread publisher;
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
        this.broadcast = ("parley:notices:" + redis.database).getBytes(StandardCharsets.UTF_8);
        this.prefix = ("parley:notices:" + redis.database + ":").getBytes(StandardCharsets.UTF_8);
        this.origin = redis.nodeId.getBytes(StandardCharsets.UTF_8);
        if (origin.length > 255) {
            throw new IllegalArgumentException("nodeId is longer than 255 bytes: " + redis.nodeId);
        }
        this.channel = channelOf(prefix, origin);
        this.routeMs = TimeUnit.SECONDS.toMillis(redis.presenceTtlSeconds);
        this.routeLife = Long.toString(routeMs).getBytes(StandardCharsets.US_ASCII);
        routes.scheduleWithFixedDelay(this::renewRoutesIfDue, RETRY_MS, RETRY_MS, TimeUnit.MILLISECONDS);
        this.publisher = new Thread(this::publishLoop, "parley-notice-publisher");
        publisher.setDaemon(true);
        publisher.start();
        this.subscriber = new Thread(this::subscribe, "parley-notice-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
    }

    @Deactivate
    public void close() {
        running = false;
        routes.shutdownNow();
        try {
            routes.awaitTermination(5, TimeUnit.SECONDS);
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
            // What is queued is still published, for as long as Redis answers within the wait.
            publisher.join(TimeUnit.SECONDS.toMillis(5));
            publisher.interrupt();
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
        if (running && !outgoing.offer(new Outgoing(userId, message))) {
            dropped("queue", 1);
        }
    }

    private void publishLoop() {
        List<Outgoing> batch = new ArrayList<>(BATCH);
        while (running || !outgoing.isEmpty()) {
            try {
                Outgoing first = outgoing.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outgoing.drainTo(batch, BATCH - 1);
                publish(batch);
            } catch (InterruptedException e) {
                return; // stopping, and Redis has not taken what was left within the wait
            } catch (RuntimeException e) {
                LOG.warn("Notices for other nodes dropped: {}", e.toString());
                dropped("error", batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    /** Publishes the notices in one pipeline; returns to how many nodes in all. */
    int publish(List<Outgoing> batch) {
        Object[] answers = evalEach(ROUTED_PUBLISH_SHA, ROUTED_PUBLISH, batch.size(),
                i -> List.of(routeKey(batch.get(i).userId())), i -> List.of(origin, prefix, batch.get(i).message()));
        int sent = 0;
        int failed = 0;
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] instanceof Long nodes) {
                sent += nodes.intValue();
            } else {
                LOG.debug("A notice for user {} did not reach the other nodes: {}", batch.get(i).userId(),
                        ((JedisException) answers[i]).getMessage());
                failed++;
            }
        }
        Meters m = meters;
        if (m != null && sent > 0) {
            m.add("parley.notices.published", "Notices this node published to other nodes over Redis (one per node "
                    + "the notice went to)", sent);
        }
        if (failed > 0) {
            dropped("redis", failed);
        }
        return sent;
    }

    /**
     * Runs a script once per item, by its SHA, all in one pipeline; the items Redis answered NOSCRIPT for (it
     * restarted, or its scripts were flushed) go once more after the script is loaded again. Returns each item's
     * answer, or the JedisException it failed with (a whole pipeline that failed: each of its items).
     */
    private Object[] evalEach(byte[] sha, String script, int count, IntFunction<List<byte[]>> keys,
            IntFunction<List<byte[]>> args) {
        Object[] answers = new Object[count];
        int[] todo = IntStream.range(0, count).toArray();
        for (int round = 0; todo.length > 0; round++) {
            List<Response<Object>> responses = new ArrayList<>(todo.length);
            try (AbstractPipeline p = redis.redis.pipelined()) {
                for (int i : todo) {
                    responses.add(p.evalsha(sha, keys.apply(i), args.apply(i)));
                }
                p.sync();
            } catch (JedisException e) {
                for (int i : todo) {
                    answers[i] = e;
                }
                return answers;
            }
            int[] unknown = new int[todo.length];
            int n = 0;
            for (int j = 0; j < todo.length; j++) {
                try {
                    answers[todo[j]] = responses.get(j).get();
                } catch (JedisNoScriptException e) {
                    answers[todo[j]] = e;
                    unknown[n++] = todo[j];
                } catch (JedisException e) {
                    answers[todo[j]] = e;
                }
            }
            if (round == 1 || n == 0 || !load(script)) {
                break;
            }
            todo = Arrays.copyOf(unknown, n);
        }
        return answers;
    }

    /** Loads a script into Redis (restarted or flushed meanwhile); false when Redis failed. */
    private boolean load(String script) {
        try {
            redis.redis.scriptLoad(script);
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    static byte[] routeKey(long userId) {
        return ("parley:route:" + userId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Puts this node in the user's route, before the login is answered. While Redis is failing it does not wait
     * for it: the next renewal, a second after Redis answers again, writes the route (the user is logged in here
     * by then).
     */
    @Override
    public void reachableHere(long userId) {
        long down = downUntil;
        // While Redis is failing, logins do not wait for it; once the wait is over, one login at a time tries it
        // (the others would each wait out Redis's timeout), until one succeeds.
        if (System.currentTimeMillis() < down || (down != 0 && !probing.compareAndSet(false, true))) {
            later(userId);
            return;
        }
        try {
            throwIfFailed(evalEach(ROUTE_SHA, ROUTE, 1, i -> List.of(routeKey(userId)),
                    i -> List.of(origin, routeLife)));
            downUntil = 0;
        } catch (JedisException e) {
            downUntil = System.currentTimeMillis() + RETRY_MS;
            later(userId);
            LOG.warn("Route of user {} not written ({}); notices from other nodes reach this node again once Redis "
                    + "answers", userId, e.getMessage());
        } finally {
            if (down != 0) {
                probing.set(false);
            }
        }
    }

    /** For tests: as if Redis had just failed a call. */
    void redisFailedJustNow() {
        downUntil = System.currentTimeMillis() + RETRY_MS;
    }

    /**
     * A route not written at login: the next renewal writes it, whether or not it finds the user in the registry
     * (a renewal that read the registry just before the login bound it would otherwise miss it until the next).
     */
    private void later(long userId) {
        unrouted.add(userId);
        stale = true;
    }

    private void renewRoutesIfDue() {
        if (!stale && System.currentTimeMillis() < nextRenewal) {
            return;
        }
        stale = false;
        try {
            if (!renewRoutes()) {
                stale = true; // the transport is away (being updated, say): at the next look
                return;
            }
            downUntil = 0;
            nextRenewal = System.currentTimeMillis() + Math.max(1, routeMs / 3);
        } catch (JedisException e) {
            stale = true;
            downUntil = System.currentTimeMillis() + RETRY_MS;
            LOG.debug("Routes not renewed: {}", e.getMessage());
        } catch (Throwable e) {
            // Anything else too: a scheduled task that throws is never run again, and every route would expire.
            stale = true;
            LOG.error("Routes not renewed; trying again in a second", e);
        }
    }

    /**
     * Renews the route of every user the transport has logged in here; false when there is no transport to ask,
     * and throws when Redis fails.
     */
    boolean renewRoutes() {
        NoticeSink devices = sink();
        if (devices == null) {
            return false;
        }
        List<Long> missed = List.copyOf(unrouted);
        Ids users = new Ids();
        devices.forEachUser(users);
        missed.forEach(users::accept);
        long[] ids = users.ids;
        for (int from = 0; from < users.count && running; from += ROUTES_PER_PIPELINE) {
            int first = from;
            throwIfFailed(evalEach(ROUTE_SHA, ROUTE, Math.min(users.count - from, ROUTES_PER_PIPELINE),
                    i -> List.of(routeKey(ids[first + i])), i -> List.of(origin, routeLife)));
        }
        missed.forEach(unrouted::remove);
        return true;
    }

    /** User ids as they come, in a growing array (no boxing: a node may have hundreds of thousands). */
    private static final class Ids implements LongConsumer {
        long[] ids = new long[64];
        int count;

        @Override
        public void accept(long id) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = id;
        }
    }

    /** Throws the first failure among the answers of {@link #evalEach}, if any. */
    private static void throwIfFailed(Object[] answers) {
        for (Object answer : answers) {
            if (answer instanceof JedisException e) {
                throw e;
            }
        }
    }

    private void dropped(String reason, int count) {
        Meters m = meters;
        if (m != null) {
            m.add("parley.notices.dropped", "Notices for the other nodes dropped (a full queue, Redis refusing); "
                    + "a notice is a hint, so devices catch up at their next pull", count, "reason", reason);
        }
    }

    static byte[] channelOf(byte[] prefix, byte[] node) {
        return ByteBuffer.allocate(prefix.length + node.length).put(prefix).put(node).array();
    }

    private static byte[] sha1(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java platform", e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMeters(Meters next) {
        meters = next;
        gauges.add(next.gauge("parley.notices.queue", "Notices waiting to be published to the other nodes",
                outgoing::size));
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
                    // Subscribed again after a failure: Redis may have restarted without the routes.
                    stale = true;
                    subscribed.countDown();
                }

                @Override
                public void onMessage(byte[] name, byte[] message) {
                    receive(message);
                }
            };
            current = pubSub;
            try {
                redis.redis.subscribe(pubSub, channel, broadcast);
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
            if (Arrays.equals(from, origin)) {
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
