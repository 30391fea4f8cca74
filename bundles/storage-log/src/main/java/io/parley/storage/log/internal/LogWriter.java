package io.parley.storage.log.internal;

import io.parley.api.ParleyException;
import io.parley.api.metrics.Meters;
import io.parley.api.store.Appended;
import io.parley.api.store.MessageArchive;
import io.parley.api.store.NewMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message log's one writer thread: it takes every append and ack waiting, gives the messages their ids
 * and seqs, writes them in one system call and one fsync, and only then hands them to the store to make
 * visible, and answers their senders. Group commit without a database's page writes.
 *
 * <p>The queue is bounded: appends wait for their write, acks do not, and a disk that falls behind must not
 * fill the heap. A failed write fails only its own batch's appends (their senders retry with the same cid);
 * the thread goes on.
 */
final class LogWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /** Most appends and acks one write carries. */
    private static final int MAX_BATCH = 1024;

    /** What the queue carries. */
    sealed interface Write permits Append, Ack, Drop, Erase, Load, Roll, Stop {
        /** Tells whoever waits for this write that it failed; nobody waits for an ack or the stop. */
        default void fail(Throwable failure) {
        }
    }

    /** An append waiting for the writer; the writer fills in its id, seqs and record, or what it repeats. */
    static final class Append implements Write {
        final NewMessage message;
        final TreeSet<Long> owners;
        final CompletableFuture<Appended> done = new CompletableFuture<>();
        /** When it was made, just before it was queued: how long it waits is measured from here. */
        final long queuedAt = System.nanoTime();
        long msgId;
        long pointer;
        Map<Long, Long> seqs;
        /** What a retry is answered with: the message stored before, or the first send of its cid in this batch. */
        private Appended answer;

        Append(NewMessage message, TreeSet<Long> owners) {
            this.message = message;
            this.owners = owners;
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** A device's new cursor, written with the next batch. */
    record Ack(LogIndex.Cursor cursor, long seq) implements Write {
    }

    /** Inbox entries to take out, as (owner, seq) pairs; done once that is durable. */
    record Drop(long[] pairs, CompletableFuture<Void> done) implements Write {
        Drop(long[] pairs) {
            this(pairs, new CompletableFuture<>());
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** A user's inbox up to its newest entry, and the user's cursors, to take out; done with how many entries. */
    static final class Erase implements Write {
        final long userId;
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        /** The newest seq when it was written: entries appended after it stay. */
        private long upto;
        private int erased;

        Erase(long userId) {
            this.userId = userId;
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /**
     * Messages and inbox heads from another store, with their ids and seqs as they were; a message whose first
     * entry is already held is skipped. Done with how many messages were written.
     */
    static final class Load implements Write {
        final List<MessageArchive.Archived> messages;
        final Map<Long, Long> heads;
        final CompletableFuture<Integer> done = new CompletableFuture<>();
        private final long[] pointers;
        private int loaded;

        Load(List<MessageArchive.Archived> messages, Map<Long, Long> heads) {
            this.messages = messages;
            this.heads = heads;
            this.pointers = new long[messages.size()];
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** Starts a new segment after this batch (so that compaction may take the one before); done once it has. */
    record Roll(CompletableFuture<Void> done) implements Write {
        Roll() {
            this(new CompletableFuture<>());
        }

        @Override
        public void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** The last thing queued: write what came with it, then end. */
    enum Stop implements Write {
        INSTANCE
    }

    private final Journal journal;
    private final BooleanSupplier fsync;
    private final LogIndex index;
    private final CidIndex cids;
    private final BlockingQueue<Write> queue;
    private final Thread thread;
    private long lastMsgId;
    /** The end of the last batch whose records the index holds: where a snapshot may be taken. */
    private volatile long published;
    /** Where batches and their commits are recorded, while there is a metrics bundle. */
    private volatile Meters meters;
    /** How long acks written alone may wait for a sync; see {@link #write}. */
    private final long ackSyncNanos;
    /** When the oldest write not yet synced was written (acks alone); 0 when everything written is synced. */
    private long unsyncedSince;
    /** True while syncing acks alone fails: one WARN when it starts failing, one INFO when it works again. */
    private boolean ackSyncFailing;
    /** Syncs to the disk so far, for the metrics and tests. */
    private final AtomicLong syncs = new AtomicLong();

    LogWriter(Journal journal, BooleanSupplier fsync, int ackSyncMs, LogIndex index, int maxQueued) {
        this.journal = journal;
        this.fsync = fsync;
        this.ackSyncNanos = TimeUnit.MILLISECONDS.toNanos(ackSyncMs);
        this.index = index;
        this.cids = index.cids;
        this.lastMsgId = index.lastMsgId;
        this.published = journal.end();
        this.queue = new LinkedBlockingQueue<>(Math.max(1, maxQueued));
        this.thread = new Thread(this::loop, "parley-message-log");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void useMeters(Meters next) {
        meters = next;
    }

    /** Writes waiting in the queue now. */
    int queued() {
        return queue.size();
    }

    /** Queues a write; false when the queue is full. */
    boolean offer(Write write) {
        return queue.offer(write);
    }

    /** Writes what is queued, then ends; waits while the queue is full, as the writer is draining it. */
    void stop() throws InterruptedException {
        queue.put(Stop.INSTANCE);
        thread.join();
    }

    private void loop() {
        List<Write> batch = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        CRC32C crc = new CRC32C();
        boolean stopping = false;
        while (!stopping) {
            try {
                Write first = unsyncedSince == 0 ? queue.take()
                        : queue.poll(unsyncedSince + ackSyncNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    syncAcks();
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.remove(Stop.INSTANCE);
            if (stopping) {
                // After Stop nothing more is queued (the store refuses writes once closing); write what came with it.
                queue.drainTo(batch);
            }
            if (!batch.isEmpty()) {
                try {
                    buf = write(batch, buf, crc);
                } catch (RuntimeException | Error e) {
                    // Only a broken invariant gets here (the index disagrees with the seqs just written): the
                    // writer stays up, and no caller waits for ever.
                    LOG.error("The message log's index is inconsistent after a write", e);
                    fail(batch, e);
                }
            }
            batch.clear();
        }
        if (unsyncedSince != 0) {
            // A clean stop leaves every ack on the disk.
            syncAcks();
        }
    }

    private void synced() {
        syncs.incrementAndGet();
        Meters m = meters;
        if (m != null) {
            m.count("parley.log.syncs", "Syncs of the message log to the disk (one serves every write before it)");
        }
    }

    /** Syncs to the disk so far. */
    long syncs() {
        return syncs.get();
    }

    private static boolean acksOnly(List<Write> batch) {
        for (Write w : batch) {
            if (!(w instanceof Ack)) {
                return false;
            }
        }
        return true;
    }

    /** Syncs the acks written alone since the last sync: their time ({@code ackSyncMs}) is up. */
    private void syncAcks() {
        try {
            journal.force();
            synced();
            unsyncedSince = 0;
            if (ackSyncFailing) {
                ackSyncFailing = false;
                LOG.info("Acks are synced to {} again", journal.folder());
            }
        } catch (IOException e) {
            // Tried again after another ackSyncMs; the acks are in the file, only not yet on the disk.
            unsyncedSince = System.nanoTime();
            if (!ackSyncFailing) {
                ackSyncFailing = true;
                LOG.warn("Could not sync acks to {} ({}); tried again every ackSyncMs until it works", journal.folder(),
                        e.toString());
            }
        }
    }

    /** The end of the last batch the index holds. */
    long published() {
        return published;
    }

    /** Tells whoever waits for these writes that they failed. */
    private static void fail(List<Write> batch, Throwable failure) {
        batch.forEach(w -> w.fail(failure));
    }

    /** Writes one batch and answers its appends; returns the buffer to use next (it grows for large batches). */
    private ByteBuffer write(List<Write> batch, ByteBuffer buf, CRC32C crc) {
        buf.clear();
        Map<Long, Long> added = new HashMap<>();
        Map<Long, Append> batchCids = new HashMap<>();
        long nextId = lastMsgId;
        try {
            for (Write w : batch) {
                if (w instanceof Append a) {
                    if (isRetry(a, batchCids)) {
                        continue;
                    }
                    buf = room(buf, Codec.maxSize(a.message, a.owners.size()));
                    a.msgId = ++nextId;
                    a.seqs = new LinkedHashMap<>();
                    for (long owner : a.owners) {
                        a.seqs.put(owner, added.merge(owner, 1L, Long::sum) + index.lastSeq(owner));
                    }
                    a.pointer = Codec.putMessage(buf, journal.end(), a.msgId, a.message, a.seqs, crc);
                    if (a.message.cid() != null) {
                        batchCids.put(CidIndex.key(a.message.senderId(), a.message.cid()), a);
                    }
                } else if (w instanceof Ack ack) {
                    buf = room(buf, Codec.maxAckSize(ack.cursor().device()));
                    Codec.putAck(buf, ack.cursor().userId(), ack.cursor().device(), ack.seq(), crc);
                } else if (w instanceof Drop d) {
                    int entries = d.pairs().length / 2;
                    for (int from = 0; from < entries; from += Codec.MAX_DROP) {
                        int n = Math.min(Codec.MAX_DROP, entries - from);
                        buf = room(buf, Codec.dropSize(n));
                        Codec.putDrop(buf, d.pairs(), from, n, crc);
                    }
                } else if (w instanceof Load l) {
                    for (int i = 0; i < l.messages.size(); i++) {
                        MessageArchive.Archived m = l.messages.get(i);
                        Map.Entry<Long, Long> first = m.entries().entrySet().iterator().next();
                        Inbox inbox = index.inboxes.get(first.getKey());
                        if (inbox != null && inbox.record(first.getValue()) != Inbox.GONE) {
                            l.pointers[i] = Inbox.GONE; // loaded before
                            continue;
                        }
                        buf = room(buf, Codec.maxSize(m.message(), m.entries().size()));
                        l.pointers[i] = Codec.putMessage(buf, journal.end(), m.msgId(), m.message(), m.entries(), crc);
                        nextId = Math.max(nextId, m.msgId());
                    }
                    for (Map.Entry<Long, Long> head : l.heads.entrySet()) {
                        buf = room(buf, Codec.PAIR_SIZE);
                        Codec.putHead(buf, head.getKey(), head.getValue(), crc);
                    }
                } else if (w instanceof Erase e) {
                    // Up to the newest seq, counting this batch's appends before it: later ones stay.
                    e.upto = index.lastSeq(e.userId) + added.getOrDefault(e.userId, 0L);
                    buf = room(buf, Codec.PAIR_SIZE);
                    Codec.putErase(buf, e.userId, e.upto, crc);
                }
            }
            buf.flip();
            long start = System.nanoTime();
            // Acks alone do not wait for a sync (nobody waits for them): the next message's sync takes them along,
            // or syncAcks() after ackSyncNanos. Under load most small batches were acks, and each paid a sync that
            // the appends behind it waited for.
            boolean fsyncOn = fsync.getAsBoolean();
            boolean sync = fsyncOn && (unsyncedSince != 0 && start - unsyncedSince >= ackSyncNanos
                    || !acksOnly(batch));
            journal.append(buf, sync);
            if (sync) {
                synced();
            }
            if (sync || !fsyncOn) {
                unsyncedSince = 0;
            } else if (unsyncedSince == 0) {
                unsyncedSince = start;
            }
            Meters m = meters;
            if (m != null) {
                m.time("parley.log.commit", "How long the message log took to write (and fsync) one batch",
                        System.nanoTime() - start);
                m.size("parley.log.batch", "Writes (appends, acks, drops) in one batch of the message log",
                        batch.size());
            }
        } catch (IOException | RuntimeException | Error e) {
            // Errors too: the writer must go on, or every later append would wait for ever.
            LOG.error("Could not write {} messages and acks to {}; their senders are told to retry", batch.size(),
                    journal.folder(), e);
            fail(batch, ParleyException.unavailable("The message could not be stored; retry it (same cid).", e));
            return buf;
        }
        // Durable: apply it to the index in write order, then answer.
        for (Write w : batch) {
            if (w instanceof Append a && a.answer == null) {
                publish(a);
            } else if (w instanceof Drop d) {
                for (int i = 0; i < d.pairs().length; i += 2) {
                    index.drop(d.pairs()[i], d.pairs()[i + 1]);
                }
            } else if (w instanceof Erase e) {
                e.erased = index.erase(e.userId, e.upto);
            } else if (w instanceof Load l) {
                int written = 0;
                for (int i = 0; i < l.messages.size(); i++) {
                    long pointer = l.pointers[i];
                    if (pointer != Inbox.GONE) {
                        NewMessage n = l.messages.get(i).message();
                        l.messages.get(i).entries().forEach((owner, seq) -> index.put(owner, seq, pointer,
                                n.senderId(), n.recipientId(), n.groupId()));
                        if (n.cid() != null) {
                            cids.remember(n.senderId(), n.cid(), pointer);
                        }
                        written++;
                    }
                }
                l.heads.forEach(index::raise);
                l.loaded = written;
            }
        }
        lastMsgId = nextId;
        index.lastMsgId = nextId;
        published = journal.end();
        List<Write> rolls = batch.stream().filter(Roll.class::isInstance).toList();
        if (!rolls.isEmpty()) {
            try {
                journal.rollNow();
            } catch (IOException e) {
                LOG.warn("Could not start a new segment of {}: {}", journal.folder(), e.toString());
                fail(rolls, e);
            }
        }
        Meters m = meters;
        long answeredAt = System.nanoTime();
        for (Write w : batch) {
            if (w instanceof Append a) {
                a.done.complete(a.answer != null ? a.answer
                        : new Appended(a.msgId, a.message.ts(), Map.copyOf(a.seqs), false));
                if (m != null) {
                    m.time("parley.log.append", "How long an append took from its queueing to its answer: the wait "
                            + "for the write before it, its own write and sync, and making it visible",
                            answeredAt - a.queuedAt);
                }
            } else if (w instanceof Drop d) {
                d.done.complete(null);
            } else if (w instanceof Erase e) {
                e.done.complete(e.erased);
            } else if (w instanceof Roll r) {
                r.done.complete(null);
            } else if (w instanceof Load l) {
                l.done.complete(l.loaded);
            }
        }
        return buf;
    }

    private void publish(Append a) {
        a.seqs.forEach((owner, seq) -> index.addEntry(owner, seq, a.pointer, a.message.senderId(),
                a.message.recipientId(), a.message.groupId()));
        if (a.message.cid() != null) {
            cids.remember(a.message.senderId(), a.message.cid(), a.pointer);
        }
    }

    /**
     * Whether this append repeats a message (same sender and cid) stored before, in the log or earlier in
     * this batch; its answer is then that message, and nothing is written for it.
     */
    private boolean isRetry(Append a, Map<Long, Append> batchCids) {
        String cid = a.message.cid();
        if (cid == null) {
            return false;
        }
        a.answer = cids.stored(a.message.senderId(), cid);
        Append first = batchCids.get(CidIndex.key(a.message.senderId(), cid));
        if (a.answer == null && first != null && first.message.cid().equals(cid)
                && first.message.senderId() == a.message.senderId()) {
            a.answer = new Appended(first.msgId, first.message.ts(), Map.of(), true);
        }
        return a.answer != null;
    }

    private static ByteBuffer room(ByteBuffer buf, int needed) {
        if (buf.remaining() >= needed) {
            return buf;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + needed));
        buf.flip();
        return bigger.put(buf);
    }
}
