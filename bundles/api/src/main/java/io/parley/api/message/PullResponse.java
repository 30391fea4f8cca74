package io.parley.api.message;

import java.util.List;

/** MSG_PULL answer: entries in seq order; {@code more} when entries beyond the last one exist. */
public record PullResponse(List<InboxEntry> messages, boolean more) {
}
