package io.parley.transport.internal;

import io.parley.api.handler.ParleyType;
import io.parley.api.handler.RequestHandler;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handlers currently registered, by type. When two handlers claim one type, the one with the highest
 * service ranking (then the lowest service id) wins, as the OSGi registry would choose.
 */
final class HandlerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerRegistry.class);

    private record Registered(RequestHandler handler, int ranking, long serviceId) {
    }

    private static final Comparator<Registered> BEST_FIRST = Comparator.comparingInt(Registered::ranking)
            .reversed().thenComparingLong(Registered::serviceId);

    /** A type whose last handler left this recently is being replaced (bundle update, rebinding), not gone. */
    static final long REPLACEMENT_GRACE_MS = 2000;

    private final Map<Integer, List<Registered>> byType = new ConcurrentHashMap<>();
    private final Map<Integer, Long> goneAt = new ConcurrentHashMap<>();
    /** Notified whenever a handler arrives, for requests waiting for a replacement. */
    private final Object arrivals = new Object();
    /** Set when the server stops: no request waits for a replacement any more. */
    private volatile boolean closed;

    /** The server stops: requests waiting for a replacement stop waiting. */
    void close() {
        closed = true;
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    void add(RequestHandler handler, Map<String, Object> properties) {
        Integer type = typeOf(properties);
        if (type == null) {
            LOG.warn("Ignoring a RequestHandler without a valid {} property: {}", ParleyType.PROPERTY, properties);
            return;
        }
        Registered registered = new Registered(handler, intOf(properties.get(Constants.SERVICE_RANKING), 0),
                ((Number) properties.getOrDefault(Constants.SERVICE_ID, 0L)).longValue());
        byType.compute(type, (t, list) -> {
            List<Registered> next = list == null ? new CopyOnWriteArrayList<>() : list;
            next.add(registered);
            next.sort(BEST_FIRST);
            return next;
        });
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
        LOG.debug("Handler for type {} added", type);
    }

    void remove(RequestHandler handler, Map<String, Object> properties) {
        Integer type = typeOf(properties);
        if (type == null) {
            return;
        }
        byType.computeIfPresent(type, (t, list) -> {
            list.removeIf(r -> r.handler() == handler);
            if (list.isEmpty()) {
                goneAt.put(t, System.currentTimeMillis());
                return null;
            }
            return list;
        });
        LOG.debug("Handler for type {} removed", type);
    }

    /** The types that have a handler right now, in ascending order. */
    java.util.SortedSet<Integer> types() {
        return new java.util.TreeSet<>(byType.keySet());
    }

    /** The handler for a type, or null when no bundle answers it right now. */
    RequestHandler get(int type) {
        List<Registered> list = byType.get(type);
        if (list == null) {
            return null;
        }
        Iterator<Registered> best = list.iterator();
        return best.hasNext() ? best.next().handler() : null;
    }

    /**
     * For a type whose handler left moments ago (its bundle being updated): waits for the successor, at most
     * {@code maxMs} and never past the replacement grace, so the request is answered late rather than refused.
     * Null when none came. Only on a worker thread.
     */
    RequestHandler awaitReplacement(int type, long maxMs) throws InterruptedException {
        Long at = goneAt.get(type);
        if (at == null) {
            return get(type);
        }
        long until = Math.min(System.currentTimeMillis() + maxMs, at + REPLACEMENT_GRACE_MS);
        synchronized (arrivals) {
            RequestHandler h;
            long left;
            while ((h = get(type)) == null && !closed && (left = until - System.currentTimeMillis()) > 0) {
                arrivals.wait(left);
            }
            return h;
        }
    }

    /** True when the type had a handler until moments ago: a retry will likely find its successor. */
    boolean recentlyGone(int type) {
        Long at = goneAt.get(type);
        return at != null && System.currentTimeMillis() - at < REPLACEMENT_GRACE_MS;
    }

    private static Integer typeOf(Map<String, Object> properties) {
        Object value = properties.get(ParleyType.PROPERTY);
        int type = intOf(value, -1);
        return type >= 0 && type <= 255 ? type : null;
    }

    private static int intOf(Object value, int fallback) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
