package io.parley.groups.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.api.group.GroupMember;
import io.parley.api.group.GroupView;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupCacheTest {

    private final AtomicLong now = new AtomicLong(0);
    private final AtomicInteger loads = new AtomicInteger();
    private final GroupCache cache = new GroupCache(10_000, now::get);

    private Optional<GroupView> load(long id) {
        loads.incrementAndGet();
        return Optional.of(new GroupView(id, "g" + id, 1, List.of(new GroupMember(1, "a", 0))));
    }

    @Test
    void keepsUsedGroupsAndEvictsIdleOnesThenReloads() {
        cache.get(1, this::load);
        cache.get(2, this::load);
        assertEquals(2, loads.get());
        now.set(6_000);
        cache.get(1, this::load);
        assertEquals(2, loads.get(), "served from memory");
        now.set(12_000);
        assertEquals(1, cache.sweep(), "group 2 was idle for 12 s, group 1 for 6 s");
        assertEquals(1, cache.size());
        assertEquals("g2", cache.get(2, this::load).orElseThrow().name());
        assertEquals(3, loads.get(), "reloaded after eviction");
    }

    @Test
    void aMissingGroupIsNotCached() {
        assertEquals(Optional.empty(), cache.get(9, id -> Optional.empty()));
        assertEquals(0, cache.size());
    }

    @Test
    void invalidateForcesAReload() {
        cache.get(1, this::load);
        cache.invalidate(1);
        cache.get(1, this::load);
        assertEquals(2, loads.get());
    }

    @Test
    void inAClusterAViewInUseIsReadAgainOnceOlderThanTheLimit() {
        cache.get(1, this::load, 1000);
        now.set(900);
        cache.get(1, this::load, 1000);
        assertEquals(1, loads.get(), "younger than the limit: from memory");
        now.set(1001);
        cache.get(1, this::load, 1000);
        assertEquals(2, loads.get(), "used all along, but older than the limit: read again");
        now.set(1500);
        cache.get(1, this::load, 1000);
        assertEquals(2, loads.get(), "the limit counts from the last read");
    }

    @Test
    void aViewReadWhileItsGroupChangedIsReturnedButNotKept() {
        GroupView before = load(1).orElseThrow();
        Optional<GroupView> got = cache.get(1, id -> {
            cache.invalidate(1); // the change lands while the old view is being read
            return Optional.of(before);
        });
        assertEquals(before, got.orElseThrow());
        assertEquals(0, cache.size(), "the view from before the change must not be kept");
        cache.get(1, this::load);
        assertEquals(1, cache.size());
    }
}
