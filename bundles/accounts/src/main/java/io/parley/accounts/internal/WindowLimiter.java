package io.parley.accounts.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts events per key (failed logins, new accounts) in a sliding window. {@link #retryAfterMs} tells how
 * long a key must wait once it has reached the limit: until its oldest event in the window expires.
 */
final class WindowLimiter {

    private final int max;
    private final long windowMs;
    private final LongSupplier clock;
    private final Map<String, Deque<Long>> events = new ConcurrentHashMap<>();

    WindowLimiter(int max, long windowMs, LongSupplier clock) {
        this.max = max;
        this.windowMs = windowMs;
        this.clock = clock;
    }

    /** 0 when the key may try; otherwise the milliseconds until it may. */
    long retryAfterMs(String key) {
        if (max <= 0) {
            return 0; // no limit
        }
        Deque<Long> times = events.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = clock.getAsLong();
            expire(times, now);
            return times.size() < max ? 0 : Math.max(1, times.peekFirst() + windowMs - now);
        }
    }

    /**
     * Counts an event for the key if it is under the limit, in one step, so that concurrent callers cannot all
     * pass a check made before any of them recorded: 0 when counted, else the milliseconds to wait (and nothing
     * is counted).
     */
    long acquire(String key) {
        if (max <= 0) {
            return 0; // no limit
        }
        Deque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            long now = clock.getAsLong();
            expire(times, now);
            if (times.size() >= max) {
                return Math.max(1, times.peekFirst() + windowMs - now);
            }
            times.addLast(now);
            return 0;
        }
    }

    /** Takes back the newest event of the key, counted by {@link #acquire} for an attempt that did not fail. */
    void release(String key) {
        Deque<Long> times = events.get(key);
        if (times != null) {
            synchronized (times) {
                times.pollLast();
            }
        }
    }

    void record(String key) {
        Deque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            long now = clock.getAsLong();
            expire(times, now);
            times.addLast(now);
            while (times.size() > max) {
                times.removeFirst();
            }
        }
    }

    void clear(String key) {
        events.remove(key);
    }

    /** Forgets keys whose events have all expired, so the map does not grow without bound. */
    void sweep() {
        long now = clock.getAsLong();
        events.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                expire(e.getValue(), now);
                return e.getValue().isEmpty();
            }
        });
    }

    private void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - windowMs) {
            times.removeFirst();
        }
    }
}
