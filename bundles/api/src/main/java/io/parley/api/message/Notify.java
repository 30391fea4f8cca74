package io.parley.api.message;

import io.parley.api.handler.Paged;
import java.util.List;

/**
 * MSG_NOTIFY notice: the newest seq of the receiver's inbox, and the new entries when they fit; a device that
 * holds less than {@code seq} pulls the rest.
 */
public record Notify(long seq, List<InboxEntry> messages) implements Paged {

    @Override
    public int items() {
        return messages == null ? 0 : messages.size();
    }

    @Override
    public Notify first(int n) {
        return new Notify(seq, List.copyOf(messages.subList(0, n)));
    }
}
