package io.parley.messaging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.NewMessage;
import io.parley.testkit.Configs;
import io.parley.testkit.MemoryStores;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Retention deletes through the chosen store, in batches, only what is older than the days it keeps. */
class RetentionTest {

    private static final long NOW = TimeUnit.DAYS.toMillis(100);

    private static StorageConfiguration days(int days) {
        return Configs.of(StorageConfiguration.class, Map.of("messages", "jdbc", "retentionDays", days));
    }

    @Test
    void aSweepDeletesInBatchesWhatIsOlderThanTheDaysKept() {
        MemoryStores stores = new MemoryStores();
        long alice = stores.account("alice");
        long bob = stores.account("bob");
        ChosenMessageStore chosen = new ChosenMessageStore(days(0), (org.osgi.framework.Bundle) null);
        chosen.addStore(stores.messages(), Map.of("parley.store", "jdbc"));
        int old = Retention.BATCH * 2 + 5;
        for (int i = 0; i < old + 3; i++) {
            long ts = i < old ? NOW - TimeUnit.DAYS.toMillis(31) : NOW - TimeUnit.DAYS.toMillis(29);
            chosen.append(new NewMessage(alice, "alice", bob, "bob", null, InboxEntry.MSG, "m" + i, null, "c" + i, ts),
                    List.of(alice, bob));
        }
        Retention off = new Retention(days(0), chosen, () -> NOW);
        try {
            assertEquals(0, off.sweep());
            assertTrue(off.retention().contains("off"));
        } finally {
            off.deactivate();
        }
        Retention month = new Retention(days(30), chosen, () -> NOW);
        try {
            assertEquals(old, month.sweep());
            assertEquals(3, chosen.pull(bob, 0, 100).size(), "the last 29 days stay");
            assertEquals("Deleted 0 messages older than 30 days.", month.retention());
        } finally {
            month.deactivate();
        }
    }
}
