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
