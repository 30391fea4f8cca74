package io.parley.storage.redis.internal;

import io.parley.api.session.Session;
import io.parley.api.session.SharedPresence;
import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Presence shared by every node through Redis: per user a sorted set of "node/device" entries scored by when
 * they expire. This node refreshes its entries every third of the TTL, so a crashed node's users go offline
 * within one TTL. While Redis is unreachable it answers from this node's own sessions.
 */
// Immediate: it keeps this node's sessions and refreshes them, so it must live while configured, not per use.
@Component(service = SharedPresence.class, immediate = true)
public final class RedisPresence implements SharedPresence {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);

    private final RedisConnection redis;
    private final long ttlMs;
    /** KEYS: the user's set. ARGV: now, this entry's expiry, this entry, TTL. Returns the user's other live entries. */
    private static final String ARRIVE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            local others = redis.call('ZCARD', KEYS[1])
            if redis.call('ZSCORE', KEYS[1], ARGV[3]) then others = others - 1 end
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return others
            """;
    /** KEYS: the user's set. ARGV: now, this entry. Returns the user's live entries left. */
    private static final String LEAVE = """
            redis.call('ZREM', KEYS[1], ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            return redis.call('ZCARD', KEYS[1])
            """;

    private static final long RETRY_MS = 5000;
    private volatile long downUntil;

    /**
     * This node's sessions, to refresh and to remove on the way out: user id -> its one device's name, or an array
     * of its devices' names, replaced on each change (under this object's lock too). Guarded by itself, and never
     * held while Redis is asked. A set per user held about 250 bytes of heap per connection, a boxed id and a list
     * in a concurrent map about 80; a slot in a primitive map about 20 (the device names are shared).
     */
    private final Long2ObjectOpenHashMap<Object> mine = new Long2ObjectOpenHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-presence-refresh");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public RedisPresence(@Reference RedisConnection redis) {
        this.redis = redis;
        this.ttlMs = TimeUnit.SECONDS.toMillis(redis.presenceTtlSeconds);
        long period = Math.max(1, ttlMs / 3);
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
        try (AbstractPipeline p = redis.redis.pipelined()) {
            forEachUser((user, devices) -> devices.forEach(d -> p.zrem(key(user), member(d))));
            p.sync();
        } catch (JedisException e) {
            LOG.debug("Presence entries left to expire: {}", e.getMessage());
        }
    }

    static String key(long userId) {
        return "parley:presence:" + userId;
    }

    private String member(String device) {
        return redis.nodeId + "/" + device;
    }

    @Override
    public boolean isOnline(long userId) {
        try {
            return redis.redis.zcount(key(userId), System.currentTimeMillis(), Double.POSITIVE_INFINITY) > 0;
        } catch (JedisException e) {
            synchronized (mine) {
                return mine.containsKey(userId); // this node's own sessions
            }
        }
    }

    /**
     * Counts the device in; while Redis fails, true if this node had no other device of the user. Under the
     * same lock as {@link #refresh}, so that a refresh cannot put back a device that has just gone.
     */
    @Override
    public synchronized boolean arrived(Session session) {
        List<String> devices = devicesHere(session.userId());
        boolean firstHere = devices.isEmpty() || devices.equals(List.of(session.device()));
        if (!devices.contains(session.device())) {
            List<String> more = new ArrayList<>(devices);
            more.add(session.device());
            setDevices(session.userId(), more);
        }
        long now = System.currentTimeMillis();
        if (now < downUntil) {
            return firstHere; // the next refresh after Redis is back writes it
        }
        try {
            Object others = redis.redis.eval(ARRIVE, List.of(key(session.userId())), List.of(Long.toString(now),
                    Long.toString(now + ttlMs), member(session.device()), Long.toString(ttlMs)));
            return Long.valueOf(0).equals(others);
        } catch (JedisException e) {
            failed(e, "Presence not written");
            return firstHere;
        }
    }

    /** The user's devices on this node. */
    private List<String> devicesHere(long userId) {
        Object held;
        synchronized (mine) {
            held = mine.get(userId);
        }
        return held == null ? List.of() : names(held);
    }

    /** A value of {@link #mine} as the list of device names it stands for. */
    private static List<String> names(Object held) {
        return held instanceof String one ? List.of(one) : List.of((String[]) held);
    }

    /** Replaces the user's devices on this node; none removes the user. */
    private void setDevices(long userId, List<String> devices) {
        synchronized (mine) {
            if (devices.isEmpty()) {
                mine.remove(userId);
            } else {
                mine.put(userId, devices.size() == 1 ? devices.get(0) : devices.toArray(new String[0]));
            }
        }
    }

    /** Calls {@code each} with every user of this node's sessions and its devices, from a copy taken under the lock. */
    private void forEachUser(BiConsumer<Long, List<String>> each) {
        long[] users;
        Object[] held;
        synchronized (mine) {
            users = new long[mine.size()];
            held = new Object[mine.size()];
            int i = 0;
            for (Long2ObjectMap.Entry<Object> e : mine.long2ObjectEntrySet()) {
                users[i] = e.getLongKey();
                held[i++] = e.getValue();
            }
        }
        for (int i = 0; i < users.length; i++) {
            each.accept(users[i], names(held[i]));
        }
    }

    /** Counts the device out; while Redis fails, true if this node has no device of the user left. */
    @Override
    public synchronized boolean left(Session session) {
        boolean[] lastHere = {true};
        List<String> devices = devicesHere(session.userId());
        if (!devices.isEmpty()) {
            List<String> rest = devices.stream().filter(d -> !d.equals(session.device())).toList();
            lastHere[0] = rest.isEmpty();
            setDevices(session.userId(), rest);
        }
        long now = System.currentTimeMillis();
        if (now < downUntil) {
            return lastHere[0]; // its entry is no longer refreshed and expires within the TTL
        }
        try {
            Object left = redis.redis.eval(LEAVE, List.of(key(session.userId())),
                    List.of(Long.toString(now), member(session.device())));
            return Long.valueOf(0).equals(left);
        } catch (JedisException e) {
            failed(e, "Presence not removed");
            return lastHere[0];
        }
    }

    /**
     * After a failure, logins and logouts do not wait for Redis for {@link #RETRY_MS}: they are answered from this
     * node's own sessions, so a hanging Redis does not hold up every presence notice behind its timeouts.
     */
    private void failed(JedisException e, String what) {
        downUntil = System.currentTimeMillis() + RETRY_MS;
        LOG.warn("{} ({}); this node's own sessions decide for {} s, and the next refresh writes them", what,
                e.getMessage(), RETRY_MS / 1000);
    }

    private synchronized void refresh() {
        long now = System.currentTimeMillis();
        try (AbstractPipeline p = redis.redis.pipelined()) {
            forEachUser((user, devices) -> {
                String key = key(user);
                p.zremrangeByScore(key, Double.NEGATIVE_INFINITY, now);
                devices.forEach(d -> p.zadd(key, now + ttlMs, member(d)));
                p.pexpire(key, ttlMs);
            });
            p.sync();
            downUntil = 0;
        } catch (JedisException e) {
            LOG.debug("Presence refresh failed: {}", e.getMessage());
        }
    }
}
