package io.parley.api.message;

import java.util.List;

/** MSG_NOTIFY notice: the newest seq of the receiver's inbox, and the new entries when they fit. */
public record Notify(long seq, List<InboxEntry> messages) {
}
