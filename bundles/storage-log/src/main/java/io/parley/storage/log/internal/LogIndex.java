package io.parley.storage.log.internal;

import io.parley.storage.log.internal.Codec.Stored;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the log keeps in memory: the inboxes (seq to record), the devices' cursors, and the cid of every message.
 * Built at start from a {@link Snapshot} and the records after it, then kept by the writer thread as records
 * become durable. Applying a record is idempotent from a snapshot's position on: a snapshot is taken while the
 * writer goes on, so it may already hold some of the records that follow its position.
 */
final class LogIndex {

    /** A device's cursor, by user and device. */
    record Cursor(long userId, String device) {
    }

    final Map<Long, Inbox> inboxes = new ConcurrentHashMap<>();
    final Map<Cursor, Long> cursors = new ConcurrentHashMap<>();
    final CidIndex cids;
    private final Journal journal;
    volatile long lastMsgId;

    LogIndex(Journal journal) {
        this.journal = journal;
        this.cids = new CidIndex(this::liveMessage);
    }

    long lastSeq(long owner) {
        Inbox inbox = inboxes.get(owner);
        return inbox == null ? 0 : inbox.lastSeq();
    }

    /** Applies one record read from the log: at start, from the snapshot's position on. */
    void replay(long position, ByteBuffer record) {
        byte type = record.get(record.position());
        switch (type) {
            case Codec.MESSAGE -> {
                int start = record.position();
                Stored m = Codec.message(record);
                long pointer = pointer(position, record, start);
                int owners = record.getInt();
                for (int i = 0; i < owners; i++) {
                    // Fills a hole, or goes past the head; an entry a snapshot already holds stays. A hole that
                    // a drop made is filled here and made again by the drop's record, which comes later.
                    put(record.getLong(), record.getLong(), pointer, m.senderId(), m.recipientId(), m.groupId());
                }
                if (m.cid() != null) {
                    cids.remember(m.senderId(), m.cid(), pointer);
                }
                lastMsgId = Math.max(lastMsgId, m.msgId());
            }
            case Codec.ACK -> {
                Codec.Ack ack = Codec.ack(record);
                cursors.merge(new Cursor(ack.userId(), ack.device()), ack.seq(), Math::max);
            }
            case Codec.DROP -> {
                record.get();
                int n = record.getInt();
                for (int i = 0; i < n; i++) {
                    drop(record.getLong(), record.getLong());
                }
            }
            case Codec.ERASE -> {
                record.get();
                erase(record.getLong(), record.getLong());
            }
            case Codec.HEAD -> {
                record.get();
                raise(record.getLong(), record.getLong());
            }
            default -> throw new IllegalStateException("unknown record type " + type + " at position " + position);
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
    void addEntry(long owner, long seq, long pointer, long senderId, Long recipientId, Long groupId) {
        Inbox inbox = inboxes.computeIfAbsent(owner, k -> new Inbox());
        if (seq != inbox.lastSeq() + 1) {
            throw new IllegalStateException("inbox " + owner + " jumps from seq " + inbox.lastSeq() + " to " + seq
                    + " at position " + Codec.position(pointer));
        }
        inbox.add(pointer, Inbox.conversation(peerOf(senderId, recipientId, owner), groupId));
    }

    /** Puts an entry at replay or from another store (see {@link Inbox#put}); false when one was there. */
    boolean put(long owner, long seq, long pointer, long senderId, Long recipientId, Long groupId) {
        return inboxes.computeIfAbsent(owner, k -> new Inbox())
                .put(seq, pointer, Inbox.conversation(peerOf(senderId, recipientId, owner), groupId));
    }

    void raise(long owner, long lastSeq) {
        inboxes.computeIfAbsent(owner, k -> new Inbox()).raise(lastSeq);
    }

    /** After replay or a load: the holes at the inboxes' fronts are given back. */
    void compactHoles() {
        inboxes.values().forEach(Inbox::compactHoles);
    }

    void drop(long owner, long seq) {
        Inbox inbox = inboxes.get(owner);
        if (inbox != null) {
            inbox.drop(seq);
        }
    }

    /** Takes a user's entries up to {@code uptoSeq} and the user's cursors; returns how many entries were held. */
    int erase(long userId, long uptoSeq) {
        cursors.keySet().removeIf(c -> c.userId() == userId);
        Inbox inbox = inboxes.get(userId);
        return inbox == null ? 0 : inbox.dropUpTo(uptoSeq);
    }

    /** Whether the owner's inbox still holds the record at {@code pointer} as its entry {@code seq}. */
    boolean holds(long owner, long seq, long pointer) {
        Inbox inbox = inboxes.get(owner);
        return inbox != null && inbox.record(seq) == pointer;
    }

    /**
     * Whether any inbox still holds the message record given, positioned at its type byte: then compaction keeps
     * it. Reads the record up to its end.
     */
    boolean isLive(long position, ByteBuffer record) {
        int start = record.position();
        Codec.message(record);
        return !held(position, record, start).isEmpty();
    }

    /**
     * The (owner, seq) of every inbox still holding the message record at {@code position}: {@code record} has
     * been read past its message fields, and its type byte is at {@code start}.
     */
    Map<Long, Long> held(long position, ByteBuffer record, int start) {
        long pointer = pointer(position, record, start);
        Map<Long, Long> entries = new java.util.LinkedHashMap<>();
        for (int i = record.getInt(); i > 0; i--) {
            long owner = record.getLong();
            long seq = record.getLong();
            if (holds(owner, seq, pointer)) {
                entries.put(owner, seq);
            }
        }
        return entries;
    }

    /** The pointer to a message record whose message fields have been read from {@code start} on. */
    private static long pointer(long position, ByteBuffer record, int start) {
        return Codec.pointer(position, Journal.HEADER + record.position() - start);
    }

    /** The message at {@code pointer} if an inbox still holds it; null when it is gone. */
    private Stored liveMessage(long pointer) {
        try {
            ByteBuffer record = journal.readRecord(Codec.position(pointer));
            if (record == null || record.get(record.position()) != Codec.MESSAGE
                    || !isLive(Codec.position(pointer), record.duplicate())) {
                return null;
            }
            return Codec.message(record);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + journal.folder(), e);
        }
    }

    /** Writes inboxes, cursors and cids for a snapshot; each inbox is copied under its own lock. */
    void write(Snapshot.Out out) throws IOException {
        for (Map.Entry<Long, Inbox> e : inboxes.entrySet()) {
            out.putInt(1);
            out.putLong(e.getKey());
            e.getValue().write(out);
        }
        out.putInt(0);
        for (Map.Entry<Cursor, Long> e : cursors.entrySet()) {
            out.putInt(1);
            out.putLong(e.getKey().userId());
            out.putString(e.getKey().device());
            out.putLong(e.getValue());
        }
        out.putInt(0);
        cids.write(out);
    }

    /** Reads what {@link #write} wrote into this (empty) index. */
    void read(Snapshot.In in) throws IOException {
        lastMsgId = in.header().lastMsgId();
        while (in.getInt() == 1) {
            inboxes.put(in.getLong(), Inbox.read(in));
        }
        while (in.getInt() == 1) {
            cursors.put(new Cursor(in.getLong(), in.getString()), in.getLong());
        }
        cids.read(in);
    }

    void clear() {
        inboxes.clear();
        cursors.clear();
        cids.clear();
        lastMsgId = 0;
    }
}
