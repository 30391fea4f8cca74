package io.parley.storage.log.internal;

import io.parley.api.store.Conversation;
import java.util.Arrays;

/**
 * One user's inbox in memory: for each seq, where its message's record is in the journal and which
 * conversation it belongs to. 16 bytes per entry; the messages themselves stay on disk. The writer thread
 * appends, request threads read.
 */
final class Inbox {

    private long[] records = new long[4];
    private long[] conversations = new long[4];
    private int size;

    /** The conversation key of an entry: the peer's id for 1:1 messages, minus the group's id for groups. */
    static long conversation(Long peerId, Long groupId) {
        return peerId != null ? peerId : groupId != null ? -groupId : 0;
    }

    static long conversation(Conversation conversation) {
        return conversation instanceof Conversation.Peer peer ? peer.userId()
                : -((Conversation.Group) conversation).groupId();
    }

    /** Appends the entry with seq {@code size() + 1}. */
    synchronized void add(long record, long conversation) {
        if (size == records.length) {
            records = Arrays.copyOf(records, size * 2);
            conversations = Arrays.copyOf(conversations, size * 2);
        }
        records[size] = record;
        conversations[size] = conversation;
        size++;
    }

    /** The newest seq; 0 when empty. */
    synchronized long lastSeq() {
        return size;
    }

    /** The records of seqs after {@code after}, in seq order, at most {@code limit}. */
    synchronized long[] after(long after, int limit) {
        if (after >= size || limit <= 0) {
            return new long[0];
        }
        int from = (int) Math.max(0, after);
        return Arrays.copyOfRange(records, from, (int) Math.min(size, (long) from + limit));
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
        for (int i = (int) Math.min(size, beforeSeq - 1) - 1; i >= 0 && n < seqs.length; i--) {
            if (conversations[i] == conversation) {
                seqs[n++] = i + 1;
            }
        }
        return Arrays.copyOf(seqs, n);
    }

    synchronized long record(long seq) {
        return records[(int) seq - 1];
    }
}
