package io.parley.storage.log.internal;

import io.parley.api.store.NewMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The kinds of record. A message record holds the message and, last, each inbox owner with the seq it
 * got there (replay rebuilds the inboxes from them). An ack record holds a device's new cursor. A drop record
 * takes entries out of inboxes (retention); an erase record takes a user's inbox up to a seq, and the user's
 * cursors.
 *
 * <pre>
 * message (1): long msgId, long ts, long senderId, long recipientId, long groupId, str senderName,
 *              str recipientName, str kind, str text, str eventJson, str cid, int owners, (long owner, long seq)*
 * ack (2):     long userId, str device, long seq
 * drop (3):    int entries, (long owner, long seq)*
 * erase (4):   long userId, long uptoSeq
 * head (5):    long userId, long lastSeq
 * </pre>
 * A missing recipient or group is {@link Long#MIN_VALUE}; a string is its UTF-8 length (-1: null) and bytes.
 */
final class Codec {

    static final byte MESSAGE = 1;
    static final byte ACK = 2;
    static final byte DROP = 3;
    static final byte ERASE = 4;
    /** An inbox head loaded from another store: its seqs up to there are never handed out again. */
    static final byte HEAD = 5;

    /** Most entries one drop record holds (16 bytes each); a longer drop takes several records. */
    static final int MAX_DROP = 65536;

    private static final long NONE = Long.MIN_VALUE;

    private Codec() {
    }

    /** A message as read back from its record (without the owners). */
    record Stored(long msgId, long ts, long senderId, Long recipientId, Long groupId, String senderName,
            String recipientName, String kind, String text, String eventJson, String cid) {

        NewMessage asNew() {
            return new NewMessage(senderId, senderName, recipientId, recipientName, groupId, kind, text, eventJson,
                    cid, ts);
        }
    }

    /** Bytes a message record can take at most. */
    static int maxSize(NewMessage m, int owners) {
        return Journal.HEADER + 1 + 5 * 8 + Records.maxSize(m.senderName()) + Records.maxSize(m.recipientName())
                + Records.maxSize(m.kind()) + Records.maxSize(m.text()) + Records.maxSize(m.eventJson())
                + Records.maxSize(m.cid()) + 4 + owners * 16;
    }

    /** Bytes an ack record can take at most. */
    static int maxAckSize(String device) {
        return Journal.HEADER + 1 + 2 * 8 + Records.maxSize(device);
    }

    /**
     * Writes a message record at the buffer's position.
     *
     * @return the pointer to it that inboxes keep: see {@link #pointer}
     */
    static long putMessage(ByteBuffer buf, long journalPosition, long msgId, NewMessage m, Map<Long, Long> seqs,
            CRC32C crc) {
        int start = Records.start(buf, MESSAGE);
        buf.putLong(msgId).putLong(m.ts()).putLong(m.senderId());
        buf.putLong(m.recipientId() == null ? NONE : m.recipientId());
        buf.putLong(m.groupId() == null ? NONE : m.groupId());
        Records.putString(buf, m.senderName());
        Records.putString(buf, m.recipientName());
        Records.putString(buf, m.kind());
        Records.putString(buf, m.text());
        Records.putString(buf, m.eventJson());
        Records.putString(buf, m.cid());
        // Reads stop here: the owners are for replay.
        int readable = buf.position() - start;
        buf.putInt(seqs.size());
        seqs.forEach((owner, seq) -> buf.putLong(owner).putLong(seq));
        Records.finish(buf, start, crc);
        return pointer(journalPosition + start, readable);
    }

    static void putAck(ByteBuffer buf, long userId, String device, long seq, CRC32C crc) {
        int start = Records.start(buf, ACK);
        buf.putLong(userId);
        Records.putString(buf, device);
        buf.putLong(seq);
        Records.finish(buf, start, crc);
    }

    /** Bytes a drop record of {@code entries} takes at most. */
    static int dropSize(int entries) {
        return Journal.HEADER + 1 + 4 + 16 * entries;
    }

    /** Bytes an erase or head record takes. */
    static final int PAIR_SIZE = Journal.HEADER + 1 + 16;

    /** Writes a drop record of {@code n} entries from {@code from} in {@code pairs} (owner, seq, owner, seq...). */
    static void putDrop(ByteBuffer buf, long[] pairs, int from, int n, CRC32C crc) {
        int start = Records.start(buf, DROP);
        buf.putInt(n);
        for (int i = from; i < from + n; i++) {
            buf.putLong(pairs[2 * i]).putLong(pairs[2 * i + 1]);
        }
        Records.finish(buf, start, crc);
    }

    static void putErase(ByteBuffer buf, long userId, long uptoSeq, CRC32C crc) {
        putPair(buf, ERASE, userId, uptoSeq, crc);
    }

    static void putHead(ByteBuffer buf, long userId, long lastSeq, CRC32C crc) {
        putPair(buf, HEAD, userId, lastSeq, crc);
    }

    private static void putPair(ByteBuffer buf, byte type, long userId, long seq, CRC32C crc) {
        int start = Records.start(buf, type);
        buf.putLong(userId).putLong(seq);
        Records.finish(buf, start, crc);
    }

    /** Reads a message from a buffer positioned at its type byte. */
    static Stored message(ByteBuffer buf) {
        byte type = buf.get();
        if (type != MESSAGE) {
            throw new IllegalStateException("expected a message record, found type " + type);
        }
        long msgId = buf.getLong();
        long ts = buf.getLong();
        long senderId = buf.getLong();
        long recipient = buf.getLong();
        long group = buf.getLong();
        return new Stored(msgId, ts, senderId, recipient == NONE ? null : recipient, group == NONE ? null : group,
                Records.getString(buf), Records.getString(buf), Records.getString(buf), Records.getString(buf),
                Records.getString(buf), Records.getString(buf));
    }

    /** An ack record as read back. */
    record Ack(long userId, String device, long seq) {
    }

    /** Reads an ack from a buffer positioned at its type byte. */
    static Ack ack(ByteBuffer buf) {
        byte type = buf.get();
        if (type != ACK) {
            throw new IllegalStateException("expected an ack record, found type " + type);
        }
        return new Ack(buf.getLong(), Records.getString(buf), buf.getLong());
    }

    /** Writing and reading the fields of a record. */
    static final class Records {
        private Records() {
        }

        /** Writes a string as its UTF-8 length (-1 for null) and bytes. */
        static void putString(ByteBuffer buf, String s) {
            if (s == null) {
                buf.putInt(-1);
                return;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            buf.putInt(bytes.length);
            buf.put(bytes);
        }

        static String getString(ByteBuffer buf) {
            int length = buf.getInt();
            if (length < 0) {
                return null;
            }
            String s = new String(buf.array(), buf.arrayOffset() + buf.position(), length, StandardCharsets.UTF_8);
            buf.position(buf.position() + length);
            return s;
        }

        /** Bytes {@link #putString} takes at most for s. */
        static int maxSize(String s) {
            return 4 + (s == null ? 0 : s.length() * 3);
        }

        /** Starts a record at the buffer's position; returns where it starts, for {@link #finish}. */
        static int start(ByteBuffer buf, byte type) {
            int start = buf.position();
            buf.position(start + Journal.HEADER);
            buf.put(type);
            return start;
        }

        /** Fills in the length and checksum of the record started at {@code start}. */
        static void finish(ByteBuffer buf, int start, CRC32C crc) {
            int length = buf.position() - start - Journal.HEADER;
            crc.reset();
            crc.update(buf.duplicate().position(start + Journal.HEADER).limit(buf.position()));
            buf.putInt(start, length);
            buf.putInt(start + 4, (int) crc.getValue());
        }
    }

    /** Bits of a pointer that say how many bytes a read needs. */
    private static final int READ_BITS = 12;

    /** The readable length of a pointer whose record is longer: the read takes the length from the header. */
    static final int LONG_READ = (1 << READ_BITS) - 1;

    /**
     * What an inbox keeps per entry: the record's position in the log (52 bits: 4 PiB written over the log's
     * life, which compaction does not give back: six years at 25 MB/s) and how many of its bytes a read needs
     * (12 bits: up to 4 KiB in one read; {@link #LONG_READ} for a longer one, read in two).
     */
    static long pointer(long position, int readable) {
        if (position >= 1L << (64 - READ_BITS)) {
            throw new IllegalStateException("the message log has used all of its 4 PiB of positions");
        }
        return position << READ_BITS | Math.min(readable, LONG_READ);
    }

    static long position(long pointer) {
        return pointer >>> READ_BITS;
    }

    static int readable(long pointer) {
        return (int) (pointer & LONG_READ);
    }
}
