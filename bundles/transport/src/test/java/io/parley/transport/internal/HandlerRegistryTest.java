package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.handler.ParleyType;
import io.parley.api.handler.RequestHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {

    private final HandlerRegistry registry = new HandlerRegistry();

    private static Map<String, Object> props(Object type, int ranking, long serviceId) {
        return Map.of(ParleyType.PROPERTY, type, "service.ranking", ranking, "service.id", serviceId);
    }

    @Test
    void theHighestRankingWinsThenTheOldestService() {
        RequestHandler old = r -> "old";
        RequestHandler newer = r -> "newer";
        RequestHandler ranked = r -> "ranked";
        registry.add(newer, props(20, 0, 9));
        registry.add(old, props(20, 0, 3));
        assertSame(old, registry.get(20));
        registry.add(ranked, props("20", 5, 12));
        assertSame(ranked, registry.get(20));
        registry.remove(ranked, props("20", 5, 12));
        assertSame(old, registry.get(20));
        assertFalse(registry.recentlyGone(20));
    }

    @Test
    void aTypeWhoseLastHandlerLeftIsRecentlyGoneAndOthersAreUnknown() {
        RequestHandler h = r -> "x";
        registry.add(h, props(66, 0, 1));
        registry.remove(h, props(66, 0, 1));
        assertNull(registry.get(66));
        assertTrue(registry.recentlyGone(66));
        assertFalse(registry.recentlyGone(67));
    }

    @Test
    void aRequestForAHandlerBeingReplacedWaitsForItsSuccessorWithinTheGrace() throws Exception {
        RequestHandler before = r -> "before";
        registry.add(before, props(20, 0, 1));
        registry.remove(before, props(20, 0, 1));
        RequestHandler after = r -> "after";
        java.util.concurrent.CompletableFuture<RequestHandler> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return registry.awaitReplacement(20, 5000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Thread.sleep(100);
        assertFalse(waiting.isDone());
        registry.add(after, props(20, 0, 2));
        assertSame(after, waiting.get(5, java.util.concurrent.TimeUnit.SECONDS));
        registry.remove(after, props(20, 0, 2));
        long start = System.nanoTime();
        assertNull(registry.awaitReplacement(20, 150), "none came within the wait");
        assertTrue(System.nanoTime() - start >= 140_000_000L);
        assertSame(null, registry.awaitReplacement(21, 5000), "a type never seen is not waited for");
        registry.add(after, props(20, 0, 3));
        registry.remove(after, props(20, 0, 3));
        registry.close();
        long closing = System.nanoTime();
        assertNull(registry.awaitReplacement(20, 5000), "a stopping server holds nothing");
        assertTrue(System.nanoTime() - closing < 1_000_000_000L);
    }

    @Test
    void aHandlerWithoutAValidTypeIsIgnored() {
        registry.add(r -> "x", Map.of("service.id", 1L));
        registry.add(r -> "y", props("not a number", 0, 2));
        registry.add(r -> "z", props(256, 0, 3));
        assertTrue(registry.types().isEmpty());
    }
}
