package io.parley.storage.log.internal;

import io.parley.api.store.Appended;
import io.parley.storage.log.internal.Codec.Stored;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
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

    /** Guarded by itself. */
    private final Long2LongOpenHashMap pointers = new Long2LongOpenHashMap();
    private final LongFunction<Stored> read;

    /**
     * {@code read} reads the message record a pointer points at, or answers null when no inbox holds it any more
     * (retention or erasure took it): then its cid is free again.
     */
    CidIndex(LongFunction<Stored> read) {
        this.read = read;
    }

    void remember(long senderId, String cid, long pointer) {
        synchronized (pointers) {
            pointers.put(key(senderId, cid), pointer);
        }
    }

    void clear() {
        synchronized (pointers) {
            pointers.clear();
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
     * Writes every (key, pointer) for a snapshot, from a copy taken under the lock (two array copies): written
     * under it, the log's writer, which remembers each new message's cid here, waited for the whole table to reach
     * the disk, and every message with it (half a second at a few million cids).
     */
    void write(Snapshot.Out out) throws java.io.IOException {
        Long2LongOpenHashMap copy;
        synchronized (pointers) {
            copy = pointers.clone();
        }
        out.putInt(copy.size());
        for (var e : copy.long2LongEntrySet()) {
            out.putLong(e.getLongKey());
            out.putLong(e.getLongValue());
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
