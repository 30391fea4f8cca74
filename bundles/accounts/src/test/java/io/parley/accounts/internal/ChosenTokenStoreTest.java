package io.parley.accounts.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.ParleyException;
import io.parley.api.store.StoredToken;
import io.parley.protocol.Status;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The storage switch's cache setting, not a service ranking, decides where tokens live. */
class ChosenTokenStoreTest {

    private final MemoryStores database = new MemoryStores();
    private final MemoryStores redis = new MemoryStores();

    private static ChosenTokenStore.Switch cache(String value) {
        return Configs.of(ChosenTokenStore.Switch.class, Map.of("cache", value));
    }

    @Test
    void theSwitchChoosesAndRebindsWithoutARestart() {
        ChosenTokenStore chosen = new ChosenTokenStore(cache("none"));
        chosen.addStore(redis.tokens(), Map.of("parley.store", "redis"));
        chosen.addStore(database.tokens(), Map.of("parley.store", "jdbc"));
        chosen.save(new StoredToken("t1", 1, "pc", 0, Long.MAX_VALUE));
        assertTrue(database.tokens().find("t1").isPresent(), "cache=none: the database");
        assertTrue(redis.tokens().find("t1").isEmpty(), "and no ranking sends it to Redis");

        chosen.modified(cache("redis"));
        chosen.save(new StoredToken("t2", 1, "pc", 0, Long.MAX_VALUE));
        assertTrue(redis.tokens().find("t2").isPresent());

        chosen.modified(cache("memcached"));
        assertEquals("redis", chosen.chosen(), "a value that is not a cache changes nothing");
    }

    @Test
    void aChosenStoreThatIsAwayAnswersUnavailable() {
        ChosenTokenStore chosen = new ChosenTokenStore(cache("redis"));
        chosen.addStore(database.tokens(), Map.of("parley.store", "jdbc"));
        ParleyException e = assertThrows(ParleyException.class, () -> chosen.find("t"));
        assertEquals(Status.UNAVAILABLE, e.status());
        assertTrue(e.getMessage().contains("redis"), e.getMessage());
        chosen.addStore(redis.tokens(), Map.of("parley.store", "redis"));
        assertTrue(chosen.find("t").isEmpty());
        chosen.removeStore(redis.tokens(), Map.of("parley.store", "redis"));
        assertEquals(Status.UNAVAILABLE, assertThrows(ParleyException.class, () -> chosen.find("t")).status());
    }
}
