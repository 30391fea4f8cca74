package io.parley.api.message;

import io.parley.api.handler.Paged;
import java.util.List;

/**
 * HISTORY answer, newest first; {@code more} when older entries wait: ask again with {@code before} the seq of
 * the last one.
 */
public record HistoryResponse(List<InboxEntry> messages, boolean more) implements Paged {

    public HistoryResponse(List<InboxEntry> messages) {
        this(messages, false);
    }

    @Override
    public int items() {
        return messages.size();
    }

    @Override
    public HistoryResponse first(int n) {
        return new HistoryResponse(List.copyOf(messages.subList(0, n)), true);
    }
}
