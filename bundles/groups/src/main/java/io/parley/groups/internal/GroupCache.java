package io.parley.groups.internal;

import io.parley.api.group.GroupView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Active groups in memory: loaded on first use, kept while used, evicted by {@link #sweep} once idle for longer
 * than {@code idleMs}, and loaded again on the next use. A change on this node invalidates its group at once.
 * Changes on other nodes of a cluster are not seen here, so there a view is trusted for {@code maxAgeMs} at
 * most and then loaded again.
 *
 * <p>A view loaded while its group was invalidated may be older than the change: it is returned to its caller
 * but not kept.
 */
final class GroupCache {

    private static final class Entry {
        final GroupView view;
        final long loadedAt;
        volatile long lastUsed;

        Entry(GroupView view, long now) {
            this.view = view;
            this.loadedAt = now;
            this.lastUsed = now;
        }
    }

    private final Map<Long, Entry> groups = new ConcurrentHashMap<>();
    private final long idleMs;
    private final LongSupplier clock;
    /**
     * Invalidations, counted per stripe of group ids: a load that saw its stripe's count move may hold a view
     * from before the change. Striped, so a busy group's changes do not keep other groups from being cached.
     */
    private final AtomicLongArray invalidations = new AtomicLongArray(64);

    GroupCache(long idleMs, LongSupplier clock) {
        this.idleMs = idleMs;
        this.clock = clock;
    }

    Optional<GroupView> get(long groupId, LongFunction<Optional<GroupView>> loader) {
        return get(groupId, loader, 0);
    }

    /**
     * The cached view, or a fresh one from the loader when there is none or it is older than {@code maxAgeMs}
     * (0: no limit).
     */
    Optional<GroupView> get(long groupId, LongFunction<Optional<GroupView>> loader, long maxAgeMs) {
        long now = clock.getAsLong();
        Entry e = groups.get(groupId);
        if (e != null && (maxAgeMs <= 0 || now - e.loadedAt <= maxAgeMs)) {
            e.lastUsed = now;
            return Optional.of(e.view);
        }
        int stripe = stripe(groupId);
        long seen = invalidations.get(stripe);
        Optional<GroupView> loaded = loader.apply(groupId);
        if (loaded.isPresent()) {
            Entry fresh = new Entry(loaded.get(), now);
            groups.put(groupId, fresh);
            if (invalidations.get(stripe) != seen) {
                groups.remove(groupId, fresh); // an invalidation raced the load: do not keep what it read
            }
        } else {
            groups.remove(groupId);
        }
        return loaded;
    }

    /** Drops a group whose members or owner changed; the next use loads it again. */
    void invalidate(long groupId) {
        invalidations.incrementAndGet(stripe(groupId));
        groups.remove(groupId);
    }

    private int stripe(long groupId) {
        return (int) Math.floorMod(groupId, (long) invalidations.length());
    }

    /** Evicts the groups idle for longer than the limit; returns how many. */
    int sweep() {
        long cutoff = clock.getAsLong() - idleMs;
        int before = groups.size();
        groups.values().removeIf(e -> e.lastUsed < cutoff);
        return before - groups.size();
    }

    int size() {
        return groups.size();
    }
}
