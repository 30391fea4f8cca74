package io.parley.api.message;

import io.parley.api.handler.Paged;
import java.util.List;

/** MSG_PULL answer: entries in seq order; {@code more} when entries after the last one wait. */
public record PullResponse(List<InboxEntry> messages, boolean more) implements Paged {

    @Override
    public int items() {
        return messages.size();
    }

    @Override
    public PullResponse first(int n) {
        return new PullResponse(List.copyOf(messages.subList(0, n)), true);
    }
}
