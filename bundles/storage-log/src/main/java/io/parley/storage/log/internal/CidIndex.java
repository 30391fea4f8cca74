package io.parley.storage.log.internal;

import io.parley.api.store.Appended;
import io.parley.storage.log.internal.Codec.Stored;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Which record holds the message a sender stored under a cid, so that a retried send is answered with its
 * first message and stored once. Keyed by a 64-bit hash of (sender, cid) in a primitive map: the index holds
 * an entry per message with a cid, and boxed entries would make every young collection copy them all. A hit
 * is checked against the record itself, so a hash collision can at worst store a retry twice, never answer a
 * send with someone else's message.
 */
final class CidIndex {

    /** What the map answers for a key it does not hold: no record starts at byte 0 with 0 bytes. */
    private static final long NO_RECORD = 0;

    /** Slots of the table copied per hold of its lock when a snapshot is written (two 512 KiB copies). */
    static final int SLICE = 1 << 16;
    /** Copies begun again (the table was cleared meanwhile) before one is taken whole under the lock. */
    private static final int ATTEMPTS = 3;

    /** fastutil's table with its arrays in reach, for a copy made a slice at a time. */
    private static final class Table extends Long2LongOpenHashMap {
        long[] keyArray() {
            return key;
        }

        long[] valueArray() {
            return value;
        }

        /** The key 0 is kept apart, in the arrays' last slot; an empty slot holds key 0 too. */
        boolean holdsZero() {
            return containsNullKey;
        }
    }

    /** Guarded by itself. */
    private final Table pointers = new Table();
    /** Counts the clears, so that a copy in slices knows the table it began is the one it ends. Guarded by pointers. */
    private long clears;
    private final LongFunction<Stored> read;
    /** For tests: runs between two slices of a snapshot's copy, outside the lock. */
    private final Runnable betweenSlices;
    private final int slice;

    /**
     * {@code read} reads the message record a pointer points at, or answers null when no inbox holds it any more
     * (retention or erasure took it): then its cid is free again.
     */
    CidIndex(LongFunction<Stored> read) {
        this(read, SLICE, () -> { });
    }

    /** For tests: slices of {@code slice} slots, with {@code betweenSlices} run between two. */
    CidIndex(LongFunction<Stored> read, int slice, Runnable betweenSlices) {
        this.read = read;
        this.slice = slice;
        this.betweenSlices = betweenSlices;
    }

    void remember(long senderId, String cid, long pointer) {
        synchronized (pointers) {
            pointers.put(key(senderId, cid), pointer);
        }
    }

    void clear() {
        synchronized (pointers) {
            pointers.clear();
            clears++;
        }
    }

    /** For tests: the pointer kept for the sender's cid; 0 when none. */
    long pointerOf(long senderId, String cid) {
        synchronized (pointers) {
            return pointers.get(key(senderId, cid));
        }
    }

    /** The message the sender stored under the cid, as a duplicate's answer; null when there is none. */
    Appended stored(long senderId, String cid) {
        long pointer;
        synchronized (pointers) {
            pointer = pointers.get(key(senderId, cid));
        }
        if (pointer == NO_RECORD) {
            return null;
        }
        Stored m = read.apply(pointer);
        if (m == null || m.senderId() != senderId || !cid.equals(m.cid())) {
            return null;
        }
        return new Appended(m.msgId(), m.ts(), Map.of(), true);
    }

    /**
     * Writes every (key, pointer) for a snapshot, from a copy. Not written under the lock: the log's writer, which
     * remembers each new message's cid here, would wait for the whole table to reach the disk, and every message
     * with it (half a second at a few million cids). Not copied whole under it either: at a few million cids that
     * copy was itself a pause of tens of milliseconds for every message. The copy is made a slice of the table at a
     * time, each under the lock; a cid remembered meanwhile may be in it or not, which is what a snapshot may hold:
     * every record after the snapshot's position is applied again at start, and remembering is the same however
     * often it is done. Every entry there before the copy began is in it: entries are only added, never removed one
     * by one, so none moves within the arrays; when the table grows it moves to new arrays and leaves the old ones
     * as they were, and the copy goes on reading those. When the table is cleared meanwhile (its arrays emptied in
     * place), the copy begins again, and after {@link #ATTEMPTS} it is made whole under the lock.
     */
    void write(Snapshot.Out out) throws java.io.IOException {
        Pairs copy = null;
        for (int attempt = 0; attempt < ATTEMPTS && copy == null; attempt++) {
            copy = copyInSlices();
        }
        if (copy == null) {
            synchronized (pointers) {
                copy = new Pairs(pointers.size());
                long[] keys = pointers.keyArray();
                copy.add(keys, pointers.valueArray(), 0, keys.length, pointers.holdsZero());
            }
        }
        out.putInt(copy.count);
        for (int i = 0; i < 2 * copy.count; i++) {
            out.putLong(copy.longs[i]);
        }
    }

    /** A copy of the table in slices; null when it was cleared while it was copied. */
    private Pairs copyInSlices() {
        long[] keys;
        long[] values;
        long clearsAtStart;
        int size;
        synchronized (pointers) {
            keys = pointers.keyArray();
            values = pointers.valueArray();
            clearsAtStart = clears;
            size = pointers.size();
        }
        // Every allocation outside the lock: tens of megabytes at millions of cids.
        Pairs copy = new Pairs(size);
        for (int from = 0; from < keys.length; from += slice) {
            int to = Math.min(keys.length, from + slice);
            copy.makeRoom(to - from);
            synchronized (pointers) {
                if (clears != clearsAtStart) {
                    return null;
                }
                copy.add(keys, values, from, to, pointers.holdsZero());
            }
            if (to < keys.length) {
                betweenSlices.run();
                Thread.yield(); // the log's writer, waiting for the lock, goes first
            }
        }
        return copy;
    }

    /** (key, pointer) pairs, one after the other. */
    private static final class Pairs {
        long[] longs;
        int count;

        Pairs(int expected) {
            longs = new long[2 * expected + 128];
        }

        /** Room for {@code slots} more pairs, so that {@link #add} of that many slots allocates nothing. */
        void makeRoom(int slots) {
            if (2L * (count + slots) > longs.length) {
                longs = Arrays.copyOf(longs, Math.max(2 * longs.length, 2 * (count + slots)));
            }
        }

        /**
         * Adds the occupied slots of the table's arrays in [from, to), into room already made: by
         * {@link #makeRoom}, or by the constructor for a table of that size.
         */
        void add(long[] keys, long[] values, int from, int to, boolean holdsZero) {
            int zeroSlot = keys.length - 1; // the key 0's own slot
            for (int i = from; i < to; i++) {
                long k = keys[i];
                if (k != 0 || (i == zeroSlot && holdsZero)) {
                    longs[2 * count] = k;
                    longs[2 * count + 1] = values[i];
                    count++;
                }
            }
        }
    }

    void read(Snapshot.In in) throws java.io.IOException {
        int n = in.getInt();
        if (n < 0 || 16L * n > in.remaining()) {
            throw new java.io.IOException("a cid table of " + n + " entries");
        }
        synchronized (pointers) {
            pointers.ensureCapacity(n);
            for (int i = 0; i < n; i++) {
                pointers.put(in.getLong(), in.getLong());
            }
        }
    }

    /** A 64-bit hash of (sender, cid): FNV-1a over the cid's UTF-16 units, mixed with the sender. */
    static long key(long senderId, String cid) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < cid.length(); i++) {
            h ^= cid.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= senderId * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return h;
    }
}
