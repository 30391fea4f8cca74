package io.parley.groups.internal;

import io.parley.api.group.GroupView;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Active groups in memory (the Jelly design): loaded on first use, kept while used, evicted by
 * {@link #sweep} once idle for longer than {@code idleMs}, and loaded again on the next use.
 */
final class GroupCache {

    private static final class Entry {
        final GroupView view;
        volatile long lastUsed;

        Entry(GroupView view, long now) {
            this.view = view;
            this.lastUsed = now;
        }
    }

    private final Map<Long, Entry> groups = new ConcurrentHashMap<>();
    private final long idleMs;
    private final LongSupplier clock;

    GroupCache(long idleMs, LongSupplier clock) {
        this.idleMs = idleMs;
        this.clock = clock;
    }

    Optional<GroupView> get(long groupId, LongFunction<Optional<GroupView>> loader) {
        long now = clock.getAsLong();
        Entry e = groups.get(groupId);
        if (e != null) {
            e.lastUsed = now;
            return Optional.of(e.view);
        }
        Optional<GroupView> loaded = loader.apply(groupId);
        loaded.ifPresent(v -> groups.put(groupId, new Entry(v, now)));
        return loaded;
    }

    /** Drops a group whose members or owner changed; the next use loads it again. */
    void invalidate(long groupId) {
        groups.remove(groupId);
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
