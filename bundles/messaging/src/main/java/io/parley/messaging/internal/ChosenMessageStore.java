package io.parley.messaging.internal;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides which {@link MessageStore} keeps messages: the store named by
 * {@code etc/io.parley.storage.cfg}, found by its {@code parley.store} property, and no other. Every message
 * request goes through here. While the chosen store is away (its bundle being updated, a database being
 * switched), requests answer UNAVAILABLE, which a client retries with the same cid; no other store ever takes
 * them, so nothing answered OK can end up where it is no longer read.
 *
 * <p>Stores come and go and the choice changes without restarting this component or anything above it.
 */
@Component(service = ChosenMessageStore.class, configurationPid = "io.parley.storage")
@Designate(ocd = StorageConfiguration.class)
public final class ChosenMessageStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChosenMessageStore.class);

    /** The registered stores by their {@code parley.store} name. */
    private final Map<String, MessageStore> stores = new ConcurrentHashMap<>();
    /** The {@code parley.store} name of the store that keeps messages; null while the configuration is invalid. */
    private volatile String chosen;
    private volatile String refusal;
    /** Set while SCR unbinds the stores because this component stops: no store "went away" then. */
    private volatile boolean stopping;
    /** How long a request waits for the chosen store while it restarts. */
    private volatile long waitMs;
    /** Notified when a store arrives or the choice changes, for requests waiting for it. */
    private final Object arrivals = new Object();
    /** When the chosen store went away (System.nanoTime); requests wait for it only within storeWaitMs of that. */
    private volatile long goneAt = Long.MIN_VALUE;

    /** The framework, to tell a store that goes away on its own from every store stopping with the server. */
    private final Bundle framework;

    @Activate
    public ChosenMessageStore(StorageConfiguration config, BundleContext context) {
        this(config, context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION));
    }

    ChosenMessageStore(StorageConfiguration config, Bundle framework) {
        this.framework = framework;
        choose(config);
    }

    @Modified
    void modified(StorageConfiguration config) {
        choose(config);
    }

    /**
     * The store name for a configuration, or an exception saying what to change. The Redis cache wraps the
     * database's store ({@code parley.store=redis} over {@code parley.store=jdbc}).
     */
    static String storeFor(String messages, String cache) {
        String m = messages.trim();
        String c = cache.trim();
        if (!m.equals("log") && !m.equals("jdbc")) {
            throw new IllegalArgumentException("messages=" + m + " is not a message store: use log or jdbc");
        }
        if (!c.equals("none") && !c.equals("redis")) {
            throw new IllegalArgumentException("cache=" + c + " is not a cache: use none or redis");
        }
        if (c.equals("redis")) {
            if (m.equals("log")) {
                throw new IllegalArgumentException("cache=redis caches the database's inboxes, and the message log "
                        + "keeps its own in memory: set messages=jdbc, or cache=none");
            }
            return "redis";
        }
        return m;
    }

    private void choose(StorageConfiguration config) {
        waitMs = Math.max(0, config.storeWaitMs());
        String next;
        try {
            next = storeFor(config.messages(), config.cache());
        } catch (IllegalArgumentException e) {
            String previous = chosen;
            LOG.error("etc/io.parley.storage.cfg refused: {}. {}", e.getMessage(), previous == null
                    ? "Message requests answer UNAVAILABLE until it is fixed."
                    : "Messages stay in the " + previous + " store.");
            if (previous == null) {
                refusal = e.getMessage();
            }
            return;
        }
        String previous = chosen;
        chosen = next;
        refusal = null;
        if (!next.equals(previous)) {
            goneAt = System.nanoTime();
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
            LOG.info("Messages are kept in the {} store{}{}", next, previous == null ? "" : " (was " + previous + ")",
                    stores.containsKey(next) ? "" : "; it is not running yet, message requests answer UNAVAILABLE "
                            + "until it is" + hint(next));
        }
    }

    private static String hint(String store) {
        return switch (store) {
            case "log" -> " (is etc/io.parley.storage.log.cfg there?)";
            case "redis" -> " (is etc/io.parley.storage.redis.cfg there, and Redis reachable?)";
            default -> "";
        };
    }

    @Reference(service = MessageStore.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStore(MessageStore store, Map<String, Object> properties) {
        String name = String.valueOf(properties.get("parley.store"));
        stores.put(name, store);
        if (name.equals(chosen)) {
            LOG.info("The {} message store is serving", name);
        }
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    void removeStore(MessageStore store, Map<String, Object> properties) {
        String name = String.valueOf(properties.get("parley.store"));
        boolean shuttingDown = framework != null && framework.getState() == Bundle.STOPPING;
        if (stores.remove(name, store) && name.equals(chosen)) {
            goneAt = System.nanoTime();
            if (!stopping && !shuttingDown) {
                LOG.warn("The {} message store went away; message requests wait up to storeWaitMs for it, then "
                        + "answer UNAVAILABLE until it is back", name);
            }
        }
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    /** The chosen store's name, for the console and tests. */
    String chosen() {
        return chosen;
    }

    /**
     * The chosen store; while it restarts, waits for it up to {@code storeWaitMs}; then UNAVAILABLE with a
     * sentence.
     */
    MessageStore current() {
        return current(true);
    }

    /** {@code mayWait} false for calls that may run on a network thread (an ack), which must not block. */
    private MessageStore current(boolean mayWait) {
        String name = chosen;
        MessageStore store = name == null ? null : stores.get(name);
        // Only while the store restarts (it went away moments ago), never for a store that stays away: each
        // waiting request holds a worker.
        if (store == null && name != null && mayWait && waitMs > 0 && !stopping) {
            long until = goneAt + waitMs * 1_000_000L;
            synchronized (arrivals) {
                long left;
                // The choice is read again each time: a request never goes to a store that is no longer chosen.
                while ((name = chosen) != null && (store = stores.get(name)) == null && !stopping
                        && (left = until - System.nanoTime()) > 0) {
                    try {
                        arrivals.wait(Math.max(1, left / 1_000_000L));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        if (store == null) {
            throw ParleyException.unavailable(name == null
                    ? "Messages cannot be stored: the storage configuration is invalid (" + refusal + ")."
                    : "Messages cannot be reached right now (the " + name + " store is restarting); retry shortly.",
                    null);
        }
        return store;
    }

    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        return current().append(message, inboxOwners);
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        return current().pull(userId, after, limit);
    }

    @Override
    public long lastSeq(long userId) {
        // MSG_ACK asks this on the network thread when the store keeps cursors in memory: never waits.
        return current(false).lastSeq(userId);
    }

    @Override
    public long acked(long userId, String device) {
        return current(false).acked(userId, device);
    }

    @Override
    public void ack(long userId, String device, long seq) {
        current(false).ack(userId, device, seq);
    }

    @Override
    public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
        return current().history(userId, conversation, beforeSeq, limit);
    }

    @Override
    public Optional<Appended> findByCid(long senderId, String cid) {
        return current().findByCid(senderId, cid);
    }

    @Override
    public int deleteBefore(long cutoffMs, int limit) {
        return current().deleteBefore(cutoffMs, limit);
    }

    @Override
    public long erase(long userId) {
        return current().erase(userId);
    }

    @Override
    public Optional<io.parley.api.store.MessageArchive.Archived> find(long ownerId, long msgId) {
        return current().find(ownerId, msgId);
    }

    @Override
    public int delete(io.parley.api.store.MessageArchive.Archived found) {
        return current().delete(found);
    }

    /** False while the store is away: the request then goes to a worker, which answers UNAVAILABLE. */
    @Override
    public boolean cursorsInMemory() {
        String name = chosen;
        MessageStore store = name == null ? null : stores.get(name);
        return store != null && store.cursorsInMemory();
    }
}
