package io.parley.storage.log.internal;

import io.parley.api.ParleyException;
import io.parley.api.store.MessageArchive;
import io.parley.storage.log.internal.Codec.Stored;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The message log's side of moving messages between stores ({@link MessageArchive}): reading out every message
 * an inbox still holds, in log order, and loading messages with their ids and seqs through the writer.
 */
final class LogArchive {

    private final Journal journal;
    private final LogIndex index;
    private final Object maintenance;
    private final java.util.function.LongSupplier published;

    LogArchive(Journal journal, LogIndex index, Object maintenance, java.util.function.LongSupplier published) {
        this.journal = journal;
        this.index = index;
        this.maintenance = maintenance;
        this.published = published;
    }

    void exportMessages(Consumer<MessageArchive.Archived> each) {
        scan((position, record) -> {
            Stored m = Codec.message(record);
            Map<Long, Long> entries = index.held(position, record, 0);
            if (!entries.isEmpty()) {
                each.accept(new MessageArchive.Archived(m.msgId(), m.asNew(), entries));
            }
        });
    }

    Map<Long, Long> exportHeads() {
        Map<Long, Long> heads = new TreeMap<>();
        index.inboxes.forEach((owner, inbox) -> {
            if (inbox.lastSeq() > 0) {
                heads.put(owner, inbox.lastSeq());
            }
        });
        return heads;
    }

    List<MessageArchive.Cursor> exportCursors() {
        List<MessageArchive.Cursor> cursors = new ArrayList<>();
        index.cursors.forEach((c, seq) -> cursors.add(new MessageArchive.Cursor(c.userId(), c.device(), seq)));
        return cursors;
    }

    MessageArchive.Counts counts() {
        long[] messages = {0};
        scan((position, record) -> {
            Codec.message(record);
            messages[0] += index.held(position, record, 0).isEmpty() ? 0 : 1;
        });
        long entries = index.inboxes.values().stream().mapToLong(Inbox::held).sum();
        long heads = index.inboxes.values().stream().filter(i -> i.lastSeq() > 0).count();
        return new MessageArchive.Counts(messages[0], entries, heads, index.cursors.size());
    }

    /** A visitor of message records, positioned at their type byte. */
    private interface MessageVisitor {
        void message(long position, ByteBuffer record);
    }

    private void scan(MessageVisitor visitor) {
        synchronized (maintenance) {
            try {
                journal.scan(journal.start(), published.getAsLong(), (position, record) -> {
                    if (record.get(0) == Codec.MESSAGE) {
                        visitor.message(position, record);
                    }
                    return true;
                });
            } catch (IOException e) {
                throw ParleyException.unavailable("The message log could not be read: " + e.getMessage(), e);
            }
        }
    }
}
