package io.parley.storage.log.internal;

import io.parley.api.ParleyException;
import io.parley.api.store.Appended;
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
    sealed interface Write permits Append, Ack, Stop {
    }

    /** An append waiting for the writer; the writer fills in its id, seqs and record, or what it repeats. */
    static final class Append implements Write {
        final NewMessage message;
        final TreeSet<Long> owners;
        final CompletableFuture<Appended> done = new CompletableFuture<>();
        long msgId;
        long pointer;
        Map<Long, Long> seqs;
        /** What a retry is answered with: the message stored before, or the first send of its cid in this batch. */
        private Appended answer;

        Append(NewMessage message, TreeSet<Long> owners) {
            this.message = message;
            this.owners = owners;
        }
    }

    /** A device's new cursor, written with the next batch. */
    record Ack(LogMessageStore.Cursor cursor, long seq) implements Write {
    }

    /** The last thing queued: write what came with it, then end. */
    enum Stop implements Write {
        INSTANCE
    }

    /** What the writer needs of the store: the inboxes' heads, and a place to publish what is durable. */
    interface Index {
        long lastSeq(long owner);

        /** Called once the batch holding it is durable, in write order, before its sender is answered. */
        void published(Append append);
    }

    private final Journal journal;
    private final BooleanSupplier fsync;
    private final Index index;
    private final CidIndex cids;
    private final BlockingQueue<Write> queue;
    private final Thread thread;
    private long lastMsgId;

    LogWriter(Journal journal, BooleanSupplier fsync, Index index, CidIndex cids, long lastMsgId, int maxQueued) {
        this.journal = journal;
        this.fsync = fsync;
        this.index = index;
        this.cids = cids;
        this.lastMsgId = lastMsgId;
        this.queue = new LinkedBlockingQueue<>(Math.max(1, maxQueued));
        this.thread = new Thread(this::loop, "parley-message-log");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
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
                batch.add(queue.take());
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
                    failAppends(batch, e);
                }
            }
            batch.clear();
        }
    }

    private static void failAppends(List<Write> batch, Throwable failure) {
        for (Write w : batch) {
            if (w instanceof Append a) {
                a.done.completeExceptionally(failure);
            }
        }
    }

    /** Writes one batch and answers its appends; returns the buffer to use next (it grows for large batches). */
    private ByteBuffer write(List<Write> batch, ByteBuffer buf, CRC32C crc) {
        buf.clear();
        Map<Long, Long> added = new HashMap<>();
        Map<Long, Append> batchCids = new HashMap<>();
        List<Append> written = new ArrayList<>();
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
                    written.add(a);
                } else if (w instanceof Ack ack) {
                    buf = room(buf, Codec.maxAckSize(ack.cursor().device()));
                    Codec.putAck(buf, ack.cursor().userId(), ack.cursor().device(), ack.seq(), crc);
                }
            }
            buf.flip();
            journal.append(buf, fsync.getAsBoolean());
        } catch (IOException | RuntimeException | Error e) {
            // Errors too: the writer must go on, or every later append would wait for ever.
            LOG.error("Could not write {} messages and acks to {}; their senders are told to retry", batch.size(),
                    journal.file(), e);
            failAppends(batch, ParleyException.unavailable("The message could not be stored; retry it (same cid).", e));
            return buf;
        }
        // Durable: make the entries visible, in seq order, then answer.
        written.forEach(index::published);
        lastMsgId = nextId;
        for (Write w : batch) {
            if (w instanceof Append a) {
                a.done.complete(a.answer != null ? a.answer
                        : new Appended(a.msgId, a.message.ts(), Map.copyOf(a.seqs), false));
            }
        }
        return buf;
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
