package io.parley.storage.log.internal;

import io.parley.api.ParleyException;
import io.parley.api.message.InboxEntry;
import io.parley.api.serialization.RawJson;
import io.parley.api.metrics.Gauges;
import io.parley.api.metrics.Meters;
import io.parley.api.store.Appended;
import io.parley.api.store.Conversation;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.MessageStore;
import io.parley.api.store.NewMessage;
import io.parley.storage.log.internal.Codec.Stored;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
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
 * Messages, inboxes and device cursors in an append-only log of segment files (the {@link Journal}), with the
 * inboxes' index in memory ({@link LogIndex}). This class opens the log (or records why it cannot), rebuilds the
 * index from the newest {@link Snapshot} and the records after it, and answers reads; the {@link LogWriter} thread
 * writes appends, acks and deletions in batches with one fsync each, and the {@link Compactor} thread takes
 * snapshots and rewrites old segments without what retention and erasure took out.
 *
 * <p>Memory grows with the messages kept, all of it in primitive arrays: 16 bytes per inbox entry (a 1:1
 * message has two) and 21 to 43 per message with a cid (an open-addressed hash table).
 * It is meant for the embedded single-node default; a cluster keeps its messages in MySQL.
 */
@Component(service = MessageStore.class, property = "parley.store=log",
        configurationPid = "io.parley.storage.log", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LogConfiguration.class)
public final class LogMessageStore implements MessageStore, MessageArchive, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogMessageStore.class);

    /** The settings of a store; {@link #DEFAULTS} are the configuration's defaults. */
    record Options(boolean fsync, int ackSyncMs, int maxQueuedWrites, long segmentBytes, int compactEverySeconds,
            int compactMinDeadPercent, int maintenanceMegabytesPerSecond, int snapshotGrowthPercent) {
        static final Options DEFAULTS = new Options(true, 20, 65536, 64L << 20, 60, 25, 32, 400);

        Options withFsync(boolean on) {
            return new Options(on, ackSyncMs, maxQueuedWrites, segmentBytes, compactEverySeconds,
                    compactMinDeadPercent, maintenanceMegabytesPerSecond, snapshotGrowthPercent);
        }
    }

    private volatile boolean fsync;
    private final Path dir;
    private final Journal journal;
    /** Why the store could not open; every call then answers UNAVAILABLE with it. */
    private final String broken;

    private final LogIndex index;
    /** Retention's scans and compaction's rewrites take turns. */
    private final Object maintenance = new Object();
    /** Where the next retention scan starts: every message before it is newer than a cutoff or gone. */
    private long retainFrom;

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    /** Null when the log could not be opened. */
    private final LogWriter writer;
    private final Compactor compactor;
    private final LogArchive archive;
    /** The position start-up read the log from: a snapshot's, or the log's start. */
    private final long replayedFrom;

    @Activate
    public LogMessageStore(LogConfiguration config) {
        this(Path.of(config.directory()), new Options(config.fsync(), Math.max(0, config.ackSyncMs()),
                config.maxQueuedWrites(), Math.max(1, Math.min(1024, config.segmentMegabytes())) << 20,
                Math.max(1, config.compactEverySeconds()), Math.max(1, Math.min(100, config.compactMinDeadPercent())),
                Math.max(0, config.maintenanceMegabytesPerSecond()), Math.max(100, config.snapshotGrowthPercent())),
                Compactor.DISK);
    }

    public LogMessageStore(Path dir, boolean fsync) {
        this(dir, Options.DEFAULTS.withFsync(fsync), Compactor.DISK);
    }

    /**
     * Opens (or creates) the log in {@code dir}. When it cannot be read, the store still starts and answers
     * UNAVAILABLE, so that messages never silently go to another store while this one holds them.
     */
    LogMessageStore(Path dir, Options options, Compactor.TempFiles temp) {
        this.fsync = options.fsync();
        this.dir = dir.toAbsolutePath();
        Journal opened = null;
        LogIndex built = null;
        List<Long> snapshots = List.of();
        String failure = null;
        long from = 0;
        Compactor[] later = new Compactor[1];
        try {
            opened = new Journal(this.dir, options.segmentBytes(), () -> later[0].rolled());
            built = new LogIndex(opened);
            long started = System.nanoTime();
            snapshots = loadSnapshot(opened, built);
            from = snapshots.isEmpty() ? opened.start() : snapshots.get(0);
            LogIndex replaying = built;
            opened.replay(from, (position, record) -> {
                replaying.replay(position, record);
                return true;
            });
            built.compactHoles();
            LOG.info("Message log ready: {} ({} segments, {} MiB; {} inboxes, last message {}) read in {} ms, {}{}",
                    opened.folder(), opened.segments().size(), (opened.end() - opened.start()) >> 20,
                    built.inboxes.size(), built.lastMsgId, (System.nanoTime() - started) / 1_000_000,
                    snapshots.isEmpty() ? "all of it" : "from the snapshot of position " + from,
                    fsync ? "" : "; fsync is off: a power loss can lose acknowledged messages");
        } catch (IOException | RuntimeException e) {
            failure = "The message log cannot be opened: " + e.getMessage();
            LOG.error("{}; every message request answers UNAVAILABLE until the folder is fixed and the server (or "
                    + "the io.parley.storage.log bundle) is restarted.", failure, e);
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException ignored) {
                    // already failing
                }
                opened = null;
            }
            built = null;
        }
        journal = opened;
        replayedFrom = from;
        index = built;
        broken = failure;
        writer = opened == null ? null : new LogWriter(opened, () -> this.fsync, options.ackSyncMs(), built,
                options.maxQueuedWrites());
        compactor = opened == null ? null
                : new Compactor(opened, built, writer::published, this::roll, maintenance, options, snapshots, temp);
        later[0] = compactor;
        archive = opened == null ? null : new LogArchive(opened, built, maintenance, writer::published);
        if (writer != null) {
            writer.start();
            compactor.start();
        }
    }

    /**
     * Reads the newest whole snapshot into the index; a damaged one is set aside (renamed {@code .damaged}) and
     * the one before it is tried. Returns the positions of the snapshots that can start the server, newest first;
     * none when the log is read from its start, which only a log without compacted segments can be.
     */
    private static List<Long> loadSnapshot(Journal journal, LogIndex index) throws IOException {
        List<Long> usable = new ArrayList<>();
        List<Segment> segments = journal.segments();
        long last = segments.get(segments.size() - 1).base + segments.get(segments.size() - 1).channel.size();
        // A snapshot from before a compacted segment's end cannot start the log: records after it are gone.
        long compacted = segments.stream().filter(Segment::isCompacted).mapToLong(Segment::end).max().orElse(0);
        for (Path file : Snapshot.list(journal.folder())) {
            if (Snapshot.position(file) < compacted) {
                // Compaction went past it after a newer one was written: it can never start the log again.
                java.nio.file.Files.delete(file);
                continue;
            }
            if (!usable.isEmpty()) {
                usable.add(Snapshot.position(file));
                continue;
            }
            try (Snapshot.In in = Snapshot.open(file)) {
                if (in.header().position() < journal.start() || in.header().position() > last) {
                    throw new IOException(file + " is of position " + in.header().position()
                            + ", which the log does not have");
                }
                index.read(in);
                usable.add(in.header().position());
            } catch (IOException | RuntimeException e) {
                index.clear();
                Path aside = file.resolveSibling(file.getFileName() + ".damaged");
                java.nio.file.Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("Message log: the snapshot {} cannot be read ({}); moved to {}, trying the one before",
                        file.getFileName(), e.getMessage(), aside.getFileName());
            }
        }
        if (usable.isEmpty() && segments.stream().anyMatch(Segment::isCompacted)) {
            throw new IOException(journal.folder() + " has compacted segments but no snapshot that can be read, and "
                    + "a compacted log can only start from one. Restore the message folder from a backup.");
        }
        return usable.subList(0, Math.min(2, usable.size()));
    }

    /** The writer's syncs to the disk so far (for tests). */
    long syncs() {
        return writer == null ? 0 : writer.syncs();
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

    /** Writes what is still queued and closes the files; calls after this answer UNAVAILABLE. */
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
            compactor.stop();
            writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("Closing {}: {}", journal.folder(), e.getMessage());
        }
    }

    /** The queue-depth gauge of the Meters bound now. */
    private final Gauges gauges = new Gauges();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMeters(Meters meters) {
        if (writer == null) {
            return;
        }
        writer.useMeters(meters);
        gauges.add(meters.gauge("parley.log.queue", "Writes waiting for the message log's writer (at most "
                + "maxQueuedWrites)", writer::queued));
    }

    synchronized void unbindMeters(Meters meters) {
        if (writer == null) {
            return;
        }
        writer.useMeters(null);
        gauges.closeAll();
    }

    /** Takes a snapshot if the log moved on since the last, then compacts what it may: for tests. */
    void maintainNow() {
        compactor.maintain(true);
    }

    /** What the background thread does at each look: a snapshot only when one is due. For tests. */
    void maintainWhenDue() {
        compactor.maintain(false);
    }

    Journal journal() {
        return journal;
    }

    long replayedFrom() {
        return replayedFrom;
    }

    List<Long> snapshots() {
        return compactor.snapshots();
    }

    // ---- writes

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

    /** Queues a write and waits until it is durable. */
    private <T> T write(LogWriter.Write write, CompletableFuture<T> done, String retry) {
        enqueue(write);
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ParleyException.unavailable("Interrupted while writing to the message log; " + retry, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Appended append(NewMessage message, Collection<Long> inboxOwners) {
        LogWriter.Append append = new LogWriter.Append(message, new TreeSet<>(inboxOwners));
        return write(append, append.done, "retry it (same cid).");
    }

    /**
     * The cursor moves in memory at once and its record goes out with the next write, which follows within
     * moments; the caller does not wait for it. An ack does not pay for a sync of its own: it is synced with the
     * next message's write, or {@code ackSyncMs} later. A crash of the process before the write, or a power loss
     * before the sync, offers those entries again, which clients already handle (they drop a seq they hold).
     */
    @Override
    public void ack(long userId, String device, long seq) {
        LogIndex.Cursor cursor = new LogIndex.Cursor(userId, device);
        Long current = index == null ? null : index.cursors.get(cursor);
        if (seq <= (current == null ? 0 : current)) {
            checkOpen();
            return; // the cursor would not move: nothing to write, or the log would grow with every repeat
        }
        enqueue(new LogWriter.Ack(cursor, seq));
        index.cursors.merge(cursor, seq, Math::max);
    }

    /**
     * How far out of clock order a message may have been stored: retention reads on past messages at or after
     * its cutoff until it meets one this much newer (a clock stepped back, request threads a moment apart).
     */
    static final long CLOCK_SKEW_MS = 10 * 60_000;

    /**
     * Takes out the messages older than the cutoff, oldest first, at most {@code limit} of them: their inbox
     * entries go (seqs stay as they are), a drop record makes that durable, and compaction gives their space back
     * later. The log is in the order messages were stored, so a scan reads from where the last one found the
     * first message it kept, and stops at a message {@link #CLOCK_SKEW_MS} past the cutoff.
     */
    @Override
    public int deleteBefore(long cutoffMs, int limit) {
        checkOpen();
        synchronized (maintenance) {
            long[] next = {Math.max(retainFrom, journal.start())};
            long[] firstKept = {-1};
            int[] count = {0};
            it.unimi.dsi.fastutil.longs.LongArrayList pairs = new it.unimi.dsi.fastutil.longs.LongArrayList();
            try {
                journal.scan(next[0], writer.published(), (position, record) -> {
                    if (record.get(0) == Codec.MESSAGE) {
                        Stored m = Codec.message(record);
                        if (m.ts() >= cutoffMs + CLOCK_SKEW_MS) {
                            return false;
                        }
                        if (m.ts() >= cutoffMs) {
                            firstKept[0] = firstKept[0] < 0 ? position : firstKept[0];
                        } else if (drop(position, record, pairs)) {
                            count[0]++;
                        }
                    }
                    next[0] = position + Journal.HEADER + record.limit();
                    return count[0] < limit;
                });
            } catch (IOException e) {
                throw ParleyException.unavailable("The message log could not be read for retention: " + e.getMessage(),
                        e);
            }
            if (!pairs.isEmpty()) {
                LogWriter.Drop drop = new LogWriter.Drop(pairs.toLongArray());
                write(drop, drop.done(), "the next sweep tries again.");
                compactor.deleted();
            }
            retainFrom = firstKept[0] >= 0 ? firstKept[0] : next[0];
            return count[0];
        }
    }

    /**
     * Adds the (owner, seq) of every inbox still holding the message record (read up to its owners) to pairs;
     * false when none does.
     */
    private boolean drop(long position, ByteBuffer record, it.unimi.dsi.fastutil.longs.LongArrayList pairs) {
        Map<Long, Long> held = index.held(position, record, 0);
        held.forEach((owner, seq) -> {
            pairs.add((long) owner);
            pairs.add((long) seq);
        });
        return !held.isEmpty();
    }

    /**
     * Takes out every entry of the user's inbox and the user's cursors, durably; the messages nobody else holds go
     * from the disk when compaction rewrites their segments. The inbox's head stays, so seqs never repeat.
     */
    @Override
    public long erase(long userId) {
        LogWriter.Erase erase = new LogWriter.Erase(userId);
        int erased = write(erase, erase.done, "erase again.");
        compactor.erased();
        return erased;
    }

    /**
     * A binary search of the owner's inbox by message id: the log writes messages in the order of their ids, one at
     * a time, so an inbox's entries have rising ids, and a search reads a few dozen records at most, whatever the
     * id asked for. (Messages loaded from a database keep that database's order, which may differ by a few places
     * between concurrent senders: such an old message may not be found.)
     */
    @Override
    public Optional<Archived> find(long ownerId, long msgId) {
        checkOpen();
        Inbox inbox = index.inboxes.get(ownerId);
        if (inbox == null) {
            return Optional.empty();
        }
        try {
            long lo = 1;
            long hi = inbox.lastSeq();
            while (lo <= hi) {
                long mid = (lo + hi) >>> 1;
                long seq = inbox.heldBelow(mid + 1); // the held entry at or before mid
                if (seq < lo) {
                    lo = mid + 1; // only holes from lo to mid
                    continue;
                }
                long pointer = inbox.record(seq);
                ByteBuffer record = pointer == Inbox.GONE ? null : journal.readRecord(Codec.position(pointer));
                if (record == null) {
                    return Optional.empty(); // taken out meanwhile
                }
                int start = record.position();
                Stored m = Codec.message(record);
                if (m.msgId() == msgId) {
                    Map<Long, Long> entries = index.held(Codec.position(pointer), record, start);
                    return entries.isEmpty() ? Optional.empty() : Optional.of(new Archived(msgId, m.asNew(), entries));
                }
                if (m.msgId() < msgId) {
                    lo = mid + 1;
                } else {
                    hi = seq - 1;
                }
            }
        } catch (IOException e) {
            throw ParleyException.unavailable("The message log could not be read; retry shortly.", e);
        }
        return Optional.empty();
    }

    /** A drop record takes the entries out, as retention's does; compaction gives the space back later. */
    @Override
    public int delete(Archived found) {
        checkOpen();
        long[] pairs = new long[found.entries().size() * 2];
        int i = 0;
        int held = 0;
        for (Map.Entry<Long, Long> e : found.entries().entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
            Inbox inbox = index.inboxes.get(e.getKey());
            held += inbox != null && inbox.record(e.getValue()) != Inbox.GONE ? 1 : 0;
        }
        if (held == 0) {
            return 0;
        }
        LogWriter.Drop drop = new LogWriter.Drop(pairs);
        write(drop, drop.done(), "delete it again.");
        compactor.deleted();
        return held;
    }

    /** Starts a new segment (unless the last is empty) and waits until it has; nothing when the store is closed. */
    private void roll() {
        LogWriter.Roll roll = new LogWriter.Roll();
        try {
            write(roll, roll.done(), "");
        } catch (ParleyException e) {
            LOG.debug("Message log: no new segment ({})", e.getMessage());
        }
    }

    // ---- moving messages to and from another store (bin/parley-migrate)

    @Override
    public void exportMessages(java.util.function.Consumer<Archived> each) {
        checkOpen();
        archive.exportMessages(each);
    }

    @Override
    public Map<Long, Long> exportHeads() {
        checkOpen();
        return archive.exportHeads();
    }

    @Override
    public List<MessageArchive.Cursor> exportCursors() {
        checkOpen();
        return archive.exportCursors();
    }

    @Override
    public void importMessages(List<Archived> batch) {
        List<Archived> held = batch.stream().filter(m -> !m.entries().isEmpty()).toList();
        LogWriter.Load load = new LogWriter.Load(held, Map.of());
        write(load, load.done, "run the copy again.");
    }

    @Override
    public void importHeads(Map<Long, Long> heads) {
        LogWriter.Load load = new LogWriter.Load(List.of(), heads);
        write(load, load.done, "run the copy again.");
    }

    @Override
    public void importCursors(List<MessageArchive.Cursor> cursors) {
        cursors.forEach(c -> ack(c.userId(), c.device(), c.acked()));
    }

    @Override
    public Counts counts() {
        checkOpen();
        return archive.counts();
    }

    // ---- reads

    /** The message at a pointer; null when retention or erasure took it and compaction dropped its record. */
    private Stored read(long pointer) {
        try {
            int readable = Codec.readable(pointer);
            ByteBuffer buf = readable == Codec.LONG_READ ? journal.readRecord(Codec.position(pointer))
                    : journal.read(Codec.position(pointer), readable);
            if (buf == null) {
                return null;
            }
            return Codec.message(readable == Codec.LONG_READ ? buf : buf.position(Journal.HEADER));
        } catch (IOException e) {
            throw ParleyException.unavailable("The message log could not be read; retry shortly.", e);
        }
    }

    private static InboxEntry entry(long seq, Stored m) {
        return new InboxEntry(seq, m.msgId(), m.kind(), m.senderName(), m.recipientName(), m.groupId(), m.text(),
                m.eventJson() == null ? null : new RawJson(m.eventJson()), m.ts());
    }

    @Override
    public List<InboxEntry> pull(long userId, long after, int limit) {
        checkOpen();
        Inbox inbox = index.inboxes.get(userId);
        if (inbox == null) {
            return List.of();
        }
        long[][] found = inbox.after(after, limit);
        List<InboxEntry> entries = new ArrayList<>(found[0].length);
        for (int i = 0; i < found[0].length; i++) {
            Stored m = read(found[1][i]);
            if (m != null) {
                entries.add(entry(found[0][i], m));
            }
        }
        return entries;
    }

    @Override
    public List<InboxEntry> history(long userId, Conversation conversation, long beforeSeq, int limit) {
        checkOpen();
        Inbox inbox = index.inboxes.get(userId);
        if (inbox == null) {
            return List.of();
        }
        long[] seqs = inbox.history(Inbox.conversation(conversation), beforeSeq, limit);
        List<InboxEntry> entries = new ArrayList<>(seqs.length);
        for (long seq : seqs) {
            long pointer = inbox.record(seq);
            Stored m = pointer == Inbox.GONE ? null : read(pointer);
            if (m != null) {
                entries.add(entry(seq, m));
            }
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
        return index.lastSeq(userId);
    }

    @Override
    public long acked(long userId, String device) {
        checkOpen();
        return index.cursors.getOrDefault(new LogIndex.Cursor(userId, device), 0L);
    }

    @Override
    public Optional<Appended> findByCid(long senderId, String cid) {
        checkOpen();
        // No open check in CidIndex: the writer asks it while it writes the last batch after close.
        return Optional.ofNullable(index.cids.stored(senderId, cid));
    }
}
