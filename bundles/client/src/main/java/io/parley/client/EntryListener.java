package io.parley.client;

import io.parley.api.message.InboxEntry;

/**
 * Receives inbox entries from a {@link ParleySession}: each entry once, in seq order, on one thread of the
 * session's own. An entry is acknowledged to the server after this method returns.
 */
@FunctionalInterface
public interface EntryListener {
    void onEntry(InboxEntry entry);
}
