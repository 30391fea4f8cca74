package io.parley.storage.log.internal;

import io.parley.api.store.Conversation;
import java.util.Arrays;

/**
 * One user's inbox in memory: for each seq, where its message's record is in the log and which conversation it
 * belongs to. 16 bytes per entry; the messages themselves stay on disk. An entry taken out (retention, erasure)
 * leaves a hole, {@link #GONE}, so that seqs keep their places and are never handed out again; holes at the
 * front are given back. The writer thread changes it, request threads read it.
 */
final class Inbox {

    /** The record of an entry taken out: no record starts at byte 0 with 0 readable bytes. */
    static final long GONE = 0;

    /** Seqs kept as holes before the first entry put into an inbox that holds nothing (see {@link #put}). */
    static final int WINDOW = 4096;

    /** The seq before the first entry held. */
    private long base;
    private long[] records;
    private long[] conversations;
    private int size;
    /** Every entry before this index is a hole. */
    private int head;

    Inbox() {
        this(0, new long[4], new long[4], 0);
    }

    private Inbox(long base, long[] records, long[] conversations, int size) {
        this.base = base;
        this.records = records;
        this.conversations = conversations;
        this.size = size;
    }

    /** The conversation key of an entry: the peer's id for 1:1 messages, minus the group's id for groups. */
    static long conversation(Long peerId, Long groupId) {
        return peerId != null ? peerId : groupId != null ? -groupId : 0;
    }

    static long conversation(Conversation conversation) {
        return conversation instanceof Conversation.Peer peer ? peer.userId()
                : -((Conversation.Group) conversation).groupId();
    }

    /** Appends the entry with seq {@code lastSeq() + 1}. */
    synchronized void add(long record, long conversation) {
        if (size == records.length) {
            records = Arrays.copyOf(records, Math.max(4, size * 2));
            conversations = Arrays.copyOf(conversations, Math.max(4, size * 2));
        }
        records[size] = record;
        conversations[size] = conversation;
        size++;
    }

    /**
     * Puts the entry of a seq, at replay and when messages are loaded from another store, where seqs may come a
     * little out of order: the seqs skipped become holes, a hole is filled, an entry already there stays. Seqs
     * before the first one held (given back) are not taken. Returns whether it was put.
     */
    synchronized boolean put(long seq, long record, long conversation) {
        while (head < size && records[head] == GONE) {
            head++;
        }
        if (head == size && seq - 1 - WINDOW > base + size) {
            // Nothing held: the seqs far before this one are given back at once, not kept as holes (an inbox
            // whose first 10^8 entries went by retention would otherwise take 1.6 GB); a window of them stays
            // for entries that come a little out of order.
            base = seq - 1 - WINDOW;
            size = 0;
            head = 0;
        }
        long i = seq - base - 1;
        if (i < 0) {
            return false;
        }
        while (base + size < seq - 1) {
            add(GONE, 0);
        }
        if (i == size) {
            add(record, conversation);
            return true;
        }
        if (records[(int) i] != GONE) {
            return false;
        }
        records[(int) i] = record;
        conversations[(int) i] = conversation;
        head = (int) Math.min(head, i);
        return true;
    }

    /** Makes {@code lastSeq} the newest seq handed out, if it is newer: its seqs are never handed out again. */
    synchronized void raise(long lastSeq) {
        if (size == 0) {
            base = Math.max(base, lastSeq);
            return;
        }
        while (base + size < lastSeq) {
            add(GONE, 0);
        }
    }

    /** Gives back the holes at the front, once replay or a load, which may still fill them, is over. */
    synchronized void compactHoles() {
        trim();
    }

    /** Entries held, holes not counted. */
    synchronized int held() {
        int n = 0;
        for (int i = head; i < size; i++) {
            n += records[i] != GONE ? 1 : 0;
        }
        return n;
    }

    /** The newest seq ever handed out here; 0 when none was. */
    synchronized long lastSeq() {
        return base + size;
    }

    /** The entries after {@code after}, in seq order, at most {@code limit}: their seqs and records. */
    synchronized long[][] after(long after, int limit) {
        int from = (int) Math.max(head, Math.min(size, Math.max(0, after) - base));
        long[] seqs = new long[Math.max(0, Math.min(limit, size - from))];
        long[] found = new long[seqs.length];
        int n = 0;
        for (int i = from; i < size && n < seqs.length; i++) {
            if (records[i] != GONE) {
                seqs[n] = base + i + 1;
                found[n++] = records[i];
            }
        }
        return new long[][] {Arrays.copyOf(seqs, n), Arrays.copyOf(found, n)};
    }

    /**
     * The seqs of the entries of one conversation below {@code beforeSeq}, newest first, at most {@code limit};
     * {@link #record} gives their records.
     */
    synchronized long[] history(long conversation, long beforeSeq, int limit) {
        if (beforeSeq <= 1) {
            return new long[0];
        }
        long[] seqs = new long[Math.max(0, Math.min(limit, size))];
        int n = 0;
        for (long i = Math.min(size, beforeSeq - 1 - base) - 1; i >= head && n < seqs.length; i--) {
            if (conversations[(int) i] == conversation && records[(int) i] != GONE) {
                seqs[n++] = base + i + 1;
            }
        }
        return Arrays.copyOf(seqs, n);
    }

    /** The record of a seq; {@link #GONE} when it was taken out or never given. */
    synchronized long record(long seq) {
        long i = seq - base - 1;
        return i < 0 || i >= size ? GONE : records[(int) i];
    }

    /** The newest seq below {@code seq} whose entry is held; 0 when none is. */
    synchronized long heldBelow(long seq) {
        for (long i = Math.min(size, seq - base - 1) - 1; i >= head; i--) {
            if (records[(int) i] != GONE) {
                return base + i + 1;
            }
        }
        return 0;
    }

    /** Takes one entry out; false when it was not there. */
    synchronized boolean drop(long seq) {
        long i = seq - base - 1;
        if (i < 0 || i >= size || records[(int) i] == GONE) {
            return false;
        }
        records[(int) i] = GONE;
        trim();
        return true;
    }

    /** Takes out every entry up to {@code seq}; returns how many were there. */
    synchronized int dropUpTo(long seq) {
        int n = 0;
        for (int i = head; i < Math.min(size, seq - base); i++) {
            if (records[i] != GONE) {
                records[i] = GONE;
                n++;
            }
        }
        trim();
        return n;
    }

    /** Gives back the holes at the front once they are many: seqs stay as they are. */
    private void trim() {
        while (head < size && records[head] == GONE) {
            head++;
        }
        if (head == size) {
            base += size;
            size = 0;
            head = 0;
            if (records.length > 64) {
                records = new long[4];
                conversations = new long[4];
            }
        } else if (head >= 64 && head * 2 >= size) {
            System.arraycopy(records, head, records, 0, size - head);
            System.arraycopy(conversations, head, conversations, 0, size - head);
            base += head;
            size -= head;
            head = 0;
        }
    }

    /**
     * Entries held, holes included: what a snapshot writes. Copied under the lock and written after it: written
     * under it, a large inbox held the log's writer (which adds to it) for as long as the disk took, and every
     * message waited.
     */
    void write(Snapshot.Out out) throws java.io.IOException {
        long first;
        long[] heldRecords;
        long[] heldConversations;
        synchronized (this) {
            first = base + head;
            heldRecords = java.util.Arrays.copyOfRange(records, head, size);
            heldConversations = java.util.Arrays.copyOfRange(conversations, head, size);
        }
        out.putLong(first);
        out.putInt(heldRecords.length);
        out.putLongs(heldRecords, 0, heldRecords.length);
        out.putLongs(heldConversations, 0, heldConversations.length);
    }

    static Inbox read(Snapshot.In in) throws java.io.IOException {
        long base = in.getLong();
        int size = in.getInt();
        if (base < 0 || size < 0 || 16L * size > in.remaining()) {
            throw new java.io.IOException("an inbox with base " + base + " and " + size + " entries");
        }
        long[] records = in.getLongs(size, Math.max(4, size));
        long[] conversations = in.getLongs(size, Math.max(4, size));
        return new Inbox(base, records, conversations, size);
    }
}
