package io.parley.storage.log.internal;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.serialization.RawJson;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.storage.log.internal.Codec.Stored;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages, inboxes and device cursors in one append-only file (the {@link Journal}), with the inboxes'
 * index in memory. This class opens the log (or records why it cannot), replays it into the index, and
 * answers reads; the {@link LogWriter} thread writes appends and acks in batches with one fsync each, and the
 * {@link CidIndex} finds a retried send's first message.
 *
 * <p>At start the file is read through once to rebuild the index (inboxes, cursors, the cid of every message).
 * Memory grows with the messages kept, all of it in primitive arrays: 16 bytes per inbox entry (a 1:1
 * message has two) and 21 to 43 per message with a cid (an open-addressed hash table).
 * It is meant for the embedded single-node default; a cluster keeps its messages in MySQL.
 */
@Component(service = MessageStore.class, property = "parley.store=log",
        configurationPid = "io.parley.storage.log", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LogConfiguration.class)
public final class LogMessageStore implements MessageStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogMessageStore.class);

    private volatile boolean fsync;
    private final Path dir;
    private final Journal journal;
    /** Why the store could not open; every call then answers UNAVAILABLE with it. */
    private final String broken;

    private final Map<Long, Inbox> inboxes = new ConcurrentHashMap<>();
    private final Map<Cursor, Long> cursors = new ConcurrentHashMap<>();
    /** The record of each message with a cid, to answer a retried send with its first message. */
    private final CidIndex cids = new CidIndex(this::read);
    private long lastMsgId;

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    /** Null when the log could not be opened. */
    private final LogWriter writer;

    @Activate
    public LogMessageStore(LogConfiguration config) {
        this(Path.of(config.directory()), config.fsync(), config.maxQueuedWrites());
    }

    public LogMessageStore(Path dir, boolean fsync) {
        this(dir, fsync, 65536);
    }

    /**
     * Opens (or creates) the log in {@code dir}. When it cannot be read, the store still starts and answers
     * UNAVAILABLE, so that messages never silently go to another store while this one holds them.
     */
    public LogMessageStore(Path dir, boolean fsync, int maxQueuedWrites) {
        this.fsync = fsync;
        this.dir = dir.toAbsolutePath();
        Journal opened = null;
        String failure = null;
        try {
            opened = new Journal(this.dir);
            long started = System.nanoTime();
            opened.replay(this::replay);
            LOG.info("Message log ready: {} ({} MiB, {} inboxes, last message {}) read in {} ms{}", opened.file(),
                    opened.end() >> 20, inboxes.size(), lastMsgId, (System.nanoTime() - started) / 1_000_000,
                    fsync ? "" : "; fsync is off: a power loss can lose acknowledged messages");
        } catch (IOException | RuntimeException e) {
            failure = "The message log cannot be opened: " + e.getMessage();
            LOG.error("{}; every message request answers UNAVAILABLE until the file is fixed and the server (or "
                    + "the io.parley.storage.log bundle) is restarted.", failure, e);
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException ignored) {
                    // already failing
                }
                opened = null;
            }
            inboxes.clear();
            cursors.clear();
            cids.clear();
        }
        journal = opened;
        broken = failure;
        writer = opened == null ? null : new LogWriter(opened, () -> this.fsync, new LogWriter.Index() {
            @Override
            public long lastSeq(long owner) {
                Inbox inbox = inboxes.get(owner);
                return inbox == null ? 0 : inbox.lastSeq();
            }

            @Override
            public void published(LogWriter.Append a) {
                a.seqs.forEach((owner, seq) -> addEntry(owner, seq, a.pointer, a.message.senderId(),
                        a.message.recipientId(), a.message.groupId()));
                if (a.message.cid() != null) {
                    cids.remember(a.message.senderId(), a.message.cid(), a.pointer);
                }
            }
        }, cids, lastMsgId, maxQueuedWrites);
        if (writer != null) {
            writer.start();
        }
    }

    private void replay(long position, ByteBuffer record) {
        byte type = record.get(record.position());
        if (type == Codec.MESSAGE) {
            int start = record.position();
            Stored m = Codec.message(record);
            long pointer = Codec.pointer(position, Journal.HEADER + record.position() - start);
            int owners = record.getInt();
            for (int i = 0; i < owners; i++) {
                addEntry(record.getLong(), record.getLong(), pointer, m.senderId(), m.recipientId(), m.groupId());
            }
            if (m.cid() != null) {
                cids.remember(m.senderId(), m.cid(), pointer);
            }
            lastMsgId = Math.max(lastMsgId, m.msgId());
        } else if (type == Codec.ACK) {
            Codec.Ack ack = Codec.ack(record);
            cursors.merge(new Cursor(ack.userId(), ack.device()), ack.seq(), Math::max);
        } else {
            throw new IllegalStateException("unknown record type " + type + " at byte " + position);
        }
    }

    /** The other party of a 1:1 message from the owner's side; null for group entries. */
    private static Long peerOf(long senderId, Long recipientId, long owner) {
        if (recipientId == null) {
            return null;
        }
        return owner == senderId ? recipientId : Long.valueOf(senderId);
    }

    /**
     * Adds an owner's entry for the message record at {@code pointer}, at replay and once a write is durable.
     * Seqs come in order without gaps; anything else means the log does not match its index.
     */
    private void addEntry(long owner, long seq, long pointer, long senderId, Long recipientId, Long groupId) {
        Inbox inbox = inboxes.computeIfAbsent(owner, k -> new Inbox());
        if (seq != inbox.lastSeq() + 1) {
            throw new IllegalStateException("inbox " + owner + " jumps from seq " + inbox.lastSeq() + " to " + seq
                    + " at byte " + Codec.position(pointer));
        }
        inbox.add(pointer, Inbox.conversation(peerOf(senderId, recipientId, owner), groupId));
    }

    /**
     * A changed {@code fsync} applies to the next write. Without this method SCR would stop and restart the
     * store, and message requests would answer UNAVAILABLE meanwhile.
     */
    @Modified
    void modified(LogConfiguration config) {
        if (fsync != config.fsync()) {
            fsync = config.fsync();
            LOG.info("Message log: fsync is now {}", fsync ? "on" : "off");
        }
        if (!Path.of(config.directory()).toAbsolutePath().equals(dir)) {
            LOG.warn("Message log: a new directory ({}) applies at the next start; the log stays in {}",
                    config.directory(), dir);
        }
    }

    /** Writes what is still queued and closes the file; calls after this answer UNAVAILABLE. */
    @Deactivate
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (journal == null) {
            return;
        }
        try {
            writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("Closing {}: {}", journal.file(), e.getMessage());
        }
    }

    // ---- writes

    /** A device's cursor, by user and device. */
    record Cursor(long userId, String device) {
    }

    private void enqueue(LogWriter.Write write) {
        synchronized (lifecycle) {
            checkOpen();
            if (!writer.offer(write)) {
                throw ParleyException.unavailable("The message log is behind with its writes; retry shortly.", null);
            }
        }
    }

    /** Every call checks this first: a closed store answers nothing, not even from its index in memory. */
    private void checkOpen() {
        if (closed) {
            throw ParleyException.unavailable("The message store is stopping; retry shortly.", null);
        }
        if (broken != null) {
            throw ParleyException.unavailable("Messages are unavailable: the server's message log cannot be read.",
                    new IllegalStateException(broken));
        }
    }

    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        LogWriter.Append append = new LogWriter.Append(message, new TreeSet<>(inboxOwners));
        enqueue(append);
        try {
            return append.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ParleyException.unavailable("Interrupted while storing the message; retry it (same cid).", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The cursor moves in memory at once and its record goes out with the next write, which follows within
     * moments; the caller does not wait for it. A crash before that write offers those entries again, which
     * clients already handle (they drop a seq they hold).
     */
    @Override
    public void ack(long userId, String device, long seq) {
        Cursor cursor = new Cursor(userId, device);
        Long current = cursors.get(cursor);
        if (seq <= (current == null ? 0 : current)) {
            checkOpen();
            return; // the cursor would not move: nothing to write, or the log would grow with every repeat
        }
        enqueue(new LogWriter.Ack(cursor, seq));
        cursors.merge(cursor, seq, Math::max);
    }

    // ---- reads

    private Stored read(long pointer) {
        try {
            ByteBuffer buf = journal.read(Codec.position(pointer), Codec.readable(pointer));
            return Codec.message(buf.position(Journal.HEADER));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + journal.file(), e);
        }
    }

    private static InboxEntry entry(long seq, Stored m) {
        return new InboxEntry(seq, m.msgId(), m.kind(), m.senderName(), m.recipientName(), m.groupId(), m.text(),
                m.eventJson() == null ? null : new RawJson(m.eventJson()), m.ts());
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        checkOpen();
        Inbox inbox = inboxes.get(userId);
        if (inbox == null) {
            return List.of();
        }
        long[] pointers = inbox.after(after, limit);
        List<InboxEntry> entries = new ArrayList<>(pointers.length);
        for (int i = 0; i < pointers.length; i++) {
            entries.add(entry(Math.max(0, after) + 1 + i, read(pointers[i])));
        }
        return entries;
    }

    @Override
    public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
        checkOpen();
        Inbox inbox = inboxes.get(userId);
        if (inbox == null) {
            return List.of();
        }
        long[] seqs = inbox.history(Inbox.conversation(conversation), beforeSeq, limit);
        List<InboxEntry> entries = new ArrayList<>(seqs.length);
        for (long seq : seqs) {
            entries.add(entry(seq, read(inbox.record(seq))));
        }
        return entries;
    }

    /** Inboxes and cursors are in memory; an ack's record is queued for the writer, never waited for. */
    @Override
    public boolean cursorsInMemory() {
        return true;
    }

    @Override
    public long lastSeq(long userId) {
        checkOpen();
        Inbox inbox = inboxes.get(userId);
        return inbox == null ? 0 : inbox.lastSeq();
    }

    @Override
    public long acked(long userId, String device) {
        checkOpen();
        return cursors.getOrDefault(new Cursor(userId, device), 0L);
    }

    /**
     * Not yet: the log is one append-only file whose inboxes point into it by position, so deleting means
     * rewriting it (segment files compacted in the background, issue 16). Until then it keeps every message.
     */
    @Override
    public int deleteBefore(long cutoffMs, int limit) {
        throw cannotDelete("delete old messages");
    }

    /** Not yet, as {@link #deleteBefore}. */
    @Override
    public long erase(long userId) {
        throw cannotDelete("erase a user's messages");
    }

    private static ParleyException cannotDelete(String what) {
        return new ParleyException(io.parley.protocol.Status.UNSUPPORTED, "The message log cannot " + what
                + " yet: it keeps every message. Keep messages in the database (messages=jdbc in "
                + "etc/io.parley.storage.cfg) for retention and erasure.");
    }

    @Override
    public Optional<Appended> findByCid(long senderId, String cid) {
        checkOpen();
        // No open check in CidIndex: the writer asks it while it writes the last batch after close.
        return Optional.ofNullable(cids.stored(senderId, cid));
    }
}
