package io.parley.storage.redis.internal;

import io.parley.api.session.PresenceService;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.api.session.SessionListener;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
@Component(service = {PresenceService.class, SessionListener.class}, property = "service.ranking:Integer=10",
        immediate = true)
public final class RedisPresence implements PresenceService, SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPresence.class);

    private final RedisConnection redis;
    private final PushService local;
    private final long ttlMs;
    /** This node's sessions: user id -> devices, to refresh and to remove on the way out. */
    private final Map<Long, Set<String>> mine = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-presence-refresh");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public RedisPresence(@Reference RedisConnection redis, @Reference PushService local) {
        this.redis = redis;
        this.local = local;
        this.ttlMs = TimeUnit.SECONDS.toMillis(redis.presenceTtlSeconds);
        long period = Math.max(1, ttlMs / 3);
        refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        refresher.shutdownNow();
        try (AbstractPipeline p = redis.redis.pipelined()) {
            mine.forEach((user, devices) -> devices.forEach(d -> p.zrem(key(user), member(d))));
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
            return local.isOnline(userId);
        }
    }

    @Override
    public void sessionOpened(Session session, boolean firstDevice) {
        mine.computeIfAbsent(session.userId(), k -> ConcurrentHashMap.newKeySet()).add(session.device());
        try {
            redis.redis.zadd(key(session.userId()), System.currentTimeMillis() + ttlMs, member(session.device()));
        } catch (JedisException e) {
            LOG.warn("Presence not written ({}); the next refresh retries", e.getMessage());
        }
    }

    @Override
    public void sessionClosed(Session session, boolean lastDevice) {
        mine.computeIfPresent(session.userId(), (k, devices) -> {
            devices.remove(session.device());
            return devices.isEmpty() ? null : devices;
        });
        try {
            redis.redis.zrem(key(session.userId()), member(session.device()));
        } catch (JedisException e) {
            LOG.warn("Presence not removed ({}); it expires within {} s", e.getMessage(), ttlMs / 1000);
        }
    }

    private void refresh() {
        long now = System.currentTimeMillis();
        try (AbstractPipeline p = redis.redis.pipelined()) {
            mine.forEach((user, devices) -> {
                String key = key(user);
                p.zremrangeByScore(key, Double.NEGATIVE_INFINITY, now);
                devices.forEach(d -> p.zadd(key, now + ttlMs, member(d)));
                p.pexpire(key, ttlMs);
            });
            p.sync();
        } catch (JedisException e) {
            LOG.debug("Presence refresh failed: {}", e.getMessage());
        }
    }
}
