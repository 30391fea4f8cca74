package io.parley.api.store;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every message a store holds, read out and loaded into another store as it was: message ids, each inbox's
 * seqs and head, and the devices' cursors, so that clients go on where they were after the operator moves the
 * messages (bin/parley-migrate). Meant for a stopped server: nothing else writes to either store meanwhile.
 */
public interface MessageArchive {

    /** A stored message with every inbox entry still holding it, as owner to seq. */
    record Archived(long msgId, NewMessage message, Map<Long, Long> entries) {
    }

    /** A device's cursor. */
    record Cursor(long userId, String device, long acked) {
    }

    /** What a store holds, to compare after a copy: messages some inbox holds, entries, heads and cursors. */
    record Counts(long messages, long entries, long heads, long cursors) {
    }

    /** Calls {@code each} for every message some inbox holds, oldest first. */
    void exportMessages(Consumer<Archived> each);

    /** Every inbox's newest seq ever handed out, emptied inboxes too. */
    Map<Long, Long> exportHeads();

    List<Cursor> exportCursors();

    /**
     * Adds messages with their ids and entries as they were. A message already there is left as it is, so a
     * copy that was cut short can simply run again.
     */
    void importMessages(List<Archived> batch);

    /** Raises each inbox's head to at least the seq given: seqs handed out before are never handed out again. */
    void importHeads(Map<Long, Long> heads);

    /** Moves each cursor to at least the one given. */
    void importCursors(List<Cursor> cursors);

    Counts counts();
}
