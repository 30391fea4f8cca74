package io.parley.transport.internal;

import it.unimi.dsi.fastutil.HashCommon;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * A value per user id, read and changed from any thread: striped primitive hash maps, each behind its own lock.
 * Rather than a {@code ConcurrentHashMap<Long, V>}, whose entry object and boxed key cost about 56 bytes of heap
 * per logged-in user; here an entry is a slot in two arrays (about 20 bytes). A lookup takes its stripe's lock
 * for a few nanoseconds, which is nothing beside the work around it.
 */
final class UserTable<V> {

    /** A power of two, well above the threads that use the table at once. */
    private static final int STRIPES = 64;

    private final Stripe<V>[] stripes;

    private static final class Stripe<V> {
        final Long2ObjectOpenHashMap<V> values = new Long2ObjectOpenHashMap<>();
    }

    @SuppressWarnings("unchecked")
    UserTable() {
        stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe<>();
        }
    }

    private Stripe<V> stripe(long userId) {
        // Ids are handed out in sequence: spread them by their mixed bits, not their low ones alone.
        return stripes[(int) (HashCommon.mix(userId) >>> 58)];
    }

    /** The user's value, or null. */
    V get(long userId) {
        Stripe<V> s = stripe(userId);
        synchronized (s) {
            return s.values.get(userId);
        }
    }

    boolean contains(long userId) {
        Stripe<V> s = stripe(userId);
        synchronized (s) {
            return s.values.containsKey(userId);
        }
    }

    /**
     * Replaces the user's value (null when there is none) with what {@code change} makes of it, atomically for that
     * user; null removes it. {@code change} runs under the stripe's lock: it must be short and touch no other user.
     */
    V update(long userId, UnaryOperator<V> change) {
        Stripe<V> s = stripe(userId);
        synchronized (s) {
            V now = change.apply(s.values.get(userId));
            if (now == null) {
                s.values.remove(userId);
            } else {
                s.values.put(userId, now);
            }
            return now;
        }
    }

    /**
     * What {@code read} makes of every user's value, each read under its stripe's lock (so as the table held it
     * then); {@code read} must be short and touch no other user.
     */
    <R> List<R> values(Function<V, R> read) {
        List<R> out = new ArrayList<>();
        for (Stripe<V> s : stripes) {
            synchronized (s) {
                for (V v : s.values.values()) {
                    out.add(read.apply(v));
                }
            }
        }
        return out;
    }

    /** Calls {@code user} with each user that has a value, outside the locks (a copy of each stripe's ids). */
    void forEachUser(LongConsumer user) {
        for (Stripe<V> s : stripes) {
            long[] ids;
            synchronized (s) {
                ids = s.values.keySet().toLongArray();
            }
            for (long id : ids) {
                user.accept(id);
            }
        }
    }
}
