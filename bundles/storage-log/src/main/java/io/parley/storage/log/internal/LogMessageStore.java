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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.CRC32C;
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
 * index in memory. One writer thread takes every append and ack waiting, gives the messages their ids and
 * seqs, writes them in one system call and one fsync, and only then makes them visible and answers their
 * senders: group commit without a database's page writes, which cost the H2 store most of its time.
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

    /** Most appends and acks one write carries. */
    private static final int MAX_BATCH = 1024;

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

    /** Bounded: appends wait for their write, but acks do not, and a disk that falls behind must not fill the heap. */
    private final BlockingQueue<Object> queue;
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private final Thread writer;

    private static final Object STOP = new Object();

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
        this.queue = new LinkedBlockingQueue<>(Math.max(1, maxQueuedWrites));
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
        writer = new Thread(this::writeLoop, "parley-message-log");
        writer.setDaemon(true);
        if (journal != null) {
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
            queue.put(STOP); // waits while the queue is full: the writer is draining it
            writer.join();
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

    /** An append waiting for the writer; the writer fills in the rest. */
    private static final class Append {
        final NewMessage message;
        final TreeSet<Long> owners;
        final CompletableFuture<Appended> done = new CompletableFuture<>();
        long msgId;
        long pointer;
        Map<Long, Long> seqs;
        /** When this is a retry: the message stored before, or the first send of this cid in the same batch. */
        Appended stored;
        Append repeats;

        Append(NewMessage message, TreeSet<Long> owners) {
            this.message = message;
            this.owners = owners;
        }
    }

    private record Ack(Cursor cursor, long seq) {
    }

    private record Cursor(long userId, String device) {
    }

    private void enqueue(Object write) {
        synchronized (lifecycle) {
            checkOpen();
            if (!queue.offer(write)) {
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
        Append append = new Append(message, new TreeSet<>(inboxOwners));
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
        enqueue(new Ack(cursor, seq));
        cursors.merge(cursor, seq, Math::max);
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        CRC32C crc = new CRC32C();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.remove(STOP);
            if (stopping) {
                // After STOP nothing more is queued (close() set closed first); write what came with it.
                queue.drainTo(batch);
            }
            if (!batch.isEmpty()) {
                try {
                    buf = write(batch, buf, crc);
                } catch (RuntimeException | Error e) {
                    // Only a broken invariant gets here (the index disagrees with the seqs just written): the
                    // writer stays up, and no caller waits for ever.
                    LOG.error("The message log's index is inconsistent after a write", e);
                    for (Object w : batch) {
                        if (w instanceof Append a) {
                            a.done.completeExceptionally(e);
                        }
                    }
                }
            }
            batch.clear();
        }
    }

    /** Writes one batch and answers its appends; returns the buffer to use next (it grows for large batches). */
    private ByteBuffer write(List<Object> batch, ByteBuffer buf, CRC32C crc) {
        buf.clear();
        Map<Long, Long> added = new HashMap<>();
        Map<Long, Append> batchCids = new HashMap<>();
        List<Append> written = new ArrayList<>();
        long nextId = lastMsgId;
        try {
            for (Object w : batch) {
                if (w instanceof Append a) {
                    if (isRetry(a, batchCids)) {
                        continue;
                    }
                    buf = room(buf, Codec.maxSize(a.message, a.owners.size()));
                    a.msgId = ++nextId;
                    a.seqs = new LinkedHashMap<>();
                    for (long owner : a.owners) {
                        Inbox inbox = inboxes.get(owner);
                        a.seqs.put(owner, added.merge(owner, 1L, Long::sum) + (inbox == null ? 0 : inbox.lastSeq()));
                    }
                    a.pointer = Codec.putMessage(buf, journal.end(), a.msgId, a.message, a.seqs, crc);
                    if (a.message.cid() != null) {
                        batchCids.put(CidIndex.key(a.message.senderId(), a.message.cid()), a);
                    }
                    written.add(a);
                } else {
                    Ack ack = (Ack) w;
                    buf = room(buf, Codec.maxAckSize(ack.cursor().device()));
                    Codec.putAck(buf, ack.cursor().userId(), ack.cursor().device(), ack.seq(), crc);
                }
            }
            buf.flip();
            journal.append(buf, fsync);
        } catch (IOException | RuntimeException | Error e) {
            // Errors too: the writer must go on, or every later append would wait for ever.
            LOG.error("Could not write {} messages and acks to {}; their senders are told to retry", batch.size(),
                    journal.file(), e);
            RuntimeException failure = ParleyException.unavailable("The message could not be stored; retry it "
                    + "(same cid).", e);
            for (Object w : batch) {
                if (w instanceof Append a) {
                    a.done.completeExceptionally(failure);
                }
            }
            return buf;
        }
        // Durable: make the entries visible, in seq order, then answer.
        for (Append a : written) {
            a.seqs.forEach((owner, seq) -> addEntry(owner, seq, a.pointer, a.message.senderId(),
                    a.message.recipientId(), a.message.groupId()));
            if (a.message.cid() != null) {
                cids.remember(a.message.senderId(), a.message.cid(), a.pointer);
            }
        }
        lastMsgId = nextId;
        for (Object w : batch) {
            if (w instanceof Append a) {
                a.done.complete(a.repeats != null
                        ? new Appended(a.repeats.msgId, a.repeats.message.ts(), Map.of(), true)
                        : a.stored != null ? a.stored : new Appended(a.msgId, a.message.ts(), Map.copyOf(a.seqs), false));
            }
        }
        return buf;
    }

    /**
     * Whether this append repeats a message (same sender and cid) stored before, in the log or earlier in
     * this batch; it is then answered with that message, and nothing is written for it.
     */
    private boolean isRetry(Append a, Map<Long, Append> batchCids) {
        String cid = a.message.cid();
        if (cid == null) {
            return false;
        }
        a.stored = cids.stored(a.message.senderId(), cid);
        Append first = batchCids.get(CidIndex.key(a.message.senderId(), cid));
        if (a.stored == null && first != null && first.message.cid().equals(cid)
                && first.message.senderId() == a.message.senderId()) {
            a.repeats = first;
        }
        return a.stored != null || a.repeats != null;
    }

    private static ByteBuffer room(ByteBuffer buf, int needed) {
        if (buf.remaining() >= needed) {
            return buf;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + needed));
        buf.flip();
        return bigger.put(buf);
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
