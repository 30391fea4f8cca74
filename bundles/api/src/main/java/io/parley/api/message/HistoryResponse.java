package io.parley.api.message;

import java.util.List;

/** HISTORY answer, newest first. */
public record HistoryResponse(List<InboxEntry> messages) {
}
