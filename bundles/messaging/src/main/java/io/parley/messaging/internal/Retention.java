package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.protocol.Status;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, from the storage switch ({@code retentionDays} in {@code etc/io.parley.storage.cfg}): a sweep
 * every {@code retentionSweepMinutes} deletes, from the chosen message store, the messages older than that many
 * days, {@value #BATCH} at a time so that no step holds the database for long. 0 days keeps every message (the
 * default). The console's {@code parley:retention} runs a sweep now and prints what it did.
 */
@Component(service = Retention.class, configurationPid = "io.parley.storage", immediate = true, property = {
    "osgi.command.scope=parley",
    "osgi.command.function=retention"
})
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 1000;
    private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

    private final ChosenMessageStore store;
    private final LongSupplier clock;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "parley-retention");
        t.setDaemon(true);
        return t;
    });
    private volatile int days;
    private ScheduledFuture<?> scheduled;

    @Activate
    public Retention(StorageConfiguration config, @Reference ChosenMessageStore store) {
        this(config, store, System::currentTimeMillis);
    }

    Retention(StorageConfiguration config, ChosenMessageStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        modified(config);
    }

    @Modified
    synchronized void modified(StorageConfiguration config) {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        days = Math.max(0, config.retentionDays());
        if (days > 0) {
            long every = Math.max(1, config.retentionSweepMinutes());
            scheduled = sweeper.scheduleWithFixedDelay(this::sweepQuietly, 1, every, TimeUnit.MINUTES);
            LOG.info("Retention: messages older than {} days are deleted, swept every {} minutes", days, every);
        }
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (ParleyException e) {
            LOG.warn("Retention sweep stopped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Retention sweep failed; the next one tries again", e);
        }
    }

    /** Deletes what is older than the retention allows; returns how many messages went. */
    long sweep() {
        int keep = days;
        if (keep <= 0) {
            return 0;
        }
        long cutoff = clock.getAsLong() - keep * DAY_MS;
        long total = 0;
        int deleted;
        do {
            deleted = store.deleteBefore(cutoff, BATCH);
            total += deleted;
        } while (deleted == BATCH && days == keep);
        if (total > 0) {
            LOG.info("Retention deleted {} messages older than {} days", total, keep);
        }
        return total;
    }

    /** {@code parley:retention}: runs a sweep now. */
    public String retention() {
        if (days <= 0) {
            return "Retention is off (retentionDays=0 in etc/io.parley.storage.cfg): every message is kept.";
        }
        try {
            return "Deleted " + sweep() + " messages older than " + days + " days.";
        } catch (ParleyException e) {
            return (e.status() == Status.UNSUPPORTED ? "" : "The sweep stopped: ") + e.getMessage();
        }
    }
}
