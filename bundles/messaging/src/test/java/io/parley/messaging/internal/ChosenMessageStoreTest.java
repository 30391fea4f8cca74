package io.parley.messaging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.store.MessageStore;
import io.parley.protocol.Status;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChosenMessageStoreTest {

    /** A store whose newest seq is its number, so a test can tell which store answered. */
    private static MessageStore store(long number, boolean cursorsInMemory) {
        return (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(),
                new Class<?>[] {MessageStore.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "lastSeq" -> number;
                    case "cursorsInMemory" -> cursorsInMemory;
                    case "toString" -> "store " + number;
                    case "hashCode" -> (int) number;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static StorageConfiguration config(String messages, String cache) {
        return io.parley.testkit.Configs.of(StorageConfiguration.class, Map.of("messages", messages, "cache", cache,
                "storeWaitMs", 0L));
    }

    private static Map<String, Object> named(String name) {
        return Map.of("parley.store", name);
    }

    private static void assertUnavailable(ChosenMessageStore chosen) {
        ParleyException e = assertThrows(ParleyException.class, () -> chosen.lastSeq(1));
        assertEquals(Status.UNAVAILABLE, e.status());
    }

    @Test
    void onlyTheConfiguredStoreServesAndNoOtherTakesOverWhileItIsAway() {
        ChosenMessageStore chosen = new ChosenMessageStore(config("log", "none"), (org.osgi.framework.Bundle) null);
        MessageStore log = store(1, true);
        MessageStore jdbc = store(2, false);
        chosen.addStore(jdbc, named("jdbc"));
        assertUnavailable(chosen);
        assertFalse(chosen.cursorsInMemory(), "an absent store's requests go to a worker");

        chosen.addStore(log, named("log"));
        assertEquals(1, chosen.lastSeq(1));
        assertTrue(chosen.cursorsInMemory());

        chosen.removeStore(log, named("log"));
        assertUnavailable(chosen);
        MessageStore updated = store(3, true);
        chosen.addStore(updated, named("log"));
        assertEquals(3, chosen.lastSeq(1), "the log's new instance after a bundle update");
    }

    @Test
    void aRequestWaitsForTheStoreWhileItRestartsAndThenIsServedOrRefused() throws Exception {
        ChosenMessageStore chosen = new ChosenMessageStore(io.parley.testkit.Configs.of(StorageConfiguration.class,
                Map.of("messages", "log", "cache", "none", "storeWaitMs", 1000L)), (org.osgi.framework.Bundle) null);
        MessageStore before = store(1, false);
        chosen.addStore(before, named("log"));
        chosen.removeStore(before, named("log"));
        assertUnavailable(chosen); // lastSeq never waits: MSG_ACK may ask it on a network thread
        java.util.concurrent.CompletableFuture<MessageStore> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(chosen::current);
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "held while the store restarts");
        MessageStore back = store(2, false);
        chosen.addStore(back, named("log"));
        assertEquals(back, waiting.get(5, java.util.concurrent.TimeUnit.SECONDS), "served by the store that came back");
        chosen.removeStore(store(2, false), named("log"));
        long start = System.nanoTime();
        assertEquals(2L, chosen.lastSeq(1), "a different instance was removed: the store stays");
        MessageStore serving = store(3, false);
        chosen.addStore(serving, named("log"));
        chosen.removeStore(serving, named("log"));
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, chosen::current).status());
        assertTrue(System.nanoTime() - start >= 900_000_000L, "refused only after storeWaitMs");
        long later = System.nanoTime();
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, chosen::current).status());
        assertTrue(System.nanoTime() - later < 500_000_000L, "a store that stays away is not waited for again");
    }

    @Test
    void switchingTheConfigurationSwitchesTheStoreWithoutARestart() {
        ChosenMessageStore chosen = new ChosenMessageStore(config("jdbc", "none"), (org.osgi.framework.Bundle) null);
        chosen.addStore(store(1, false), named("jdbc"));
        chosen.addStore(store(2, false), named("redis"));
        assertEquals(1, chosen.lastSeq(1));
        chosen.modified(config("jdbc", "redis"));
        assertEquals(2, chosen.lastSeq(1));
        assertEquals("redis", chosen.chosen());
    }

    @Test
    void anImpossibleConfigurationIsRefusedAndTheStoreInUseStays() {
        ChosenMessageStore chosen = new ChosenMessageStore(config("jdbc", "none"), (org.osgi.framework.Bundle) null);
        chosen.addStore(store(1, false), named("jdbc"));
        chosen.addStore(store(2, true), named("log"));
        chosen.modified(config("log", "redis"));
        assertEquals(1, chosen.lastSeq(1));
        chosen.modified(config("mongodb", "none"));
        assertEquals(1, chosen.lastSeq(1));
        chosen.modified(config("jdbc", "memcached"));
        assertEquals("jdbc", chosen.chosen());
    }

    @Test
    void anImpossibleConfigurationAtStartAnswersUnavailableWithTheReason() {
        ChosenMessageStore chosen = new ChosenMessageStore(config("log", "redis"), (org.osgi.framework.Bundle) null);
        chosen.addStore(store(1, true), named("log"));
        ParleyException e = assertThrows(ParleyException.class, () -> chosen.append(null, null));
        assertEquals(Status.UNAVAILABLE, e.status());
        assertTrue(e.getMessage().contains("messages=jdbc"), e.getMessage());
        chosen.modified(config("log", "none"));
        assertEquals(1, chosen.lastSeq(1));
    }

    @Test
    void namesAreCheckedAndTheCacheWrapsTheDatabase() {
        assertEquals("log", ChosenMessageStore.storeFor("log", "none"));
        assertEquals("jdbc", ChosenMessageStore.storeFor(" jdbc ", "none"));
        assertEquals("redis", ChosenMessageStore.storeFor("jdbc", "redis"));
        assertThrows(IllegalArgumentException.class, () -> ChosenMessageStore.storeFor("log", "redis"));
        assertThrows(IllegalArgumentException.class, () -> ChosenMessageStore.storeFor("", "none"));
        assertThrows(IllegalArgumentException.class, () -> ChosenMessageStore.storeFor("jdbc", "Redis "));
    }
}
