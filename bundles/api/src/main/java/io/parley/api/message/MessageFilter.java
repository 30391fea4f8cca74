package io.parley.api.message;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Looks at the text of every MSG_SEND and GROUP_SEND before anything is stored (a whiteboard: a feature registers
 * one as a service, and it applies while the feature runs). It returns the text to store, the same or changed (a
 * word masked), or refuses the message by throwing {@link ParleyException} with FORBIDDEN and a sentence for the
 * sender. It must be quick and never block: it runs on the request's worker, for every message.
 */
@ConsumerType
public interface MessageFilter {

    /**
     * The text to store for a message from {@code sender}: to the user {@code to}, or to the group
     * {@code groupId} (the other is null).
     */
    String filter(UserRef sender, String to, Long groupId, String text);

    /** What the filters made of a text: the text to store, and whether any of them changed it. */
    record Filtered(String text, boolean masked) {
    }

    /** Runs every filter in turn, each on what the one before returned. */
    static Filtered applyAll(List<MessageFilter> filters, UserRef sender, String to, Long groupId, String text) {
        String now = text;
        for (MessageFilter f : filters) {
            now = f.filter(sender, to, groupId, now);
            if (now == null) {
                throw new ParleyException(io.parley.protocol.Status.INTERNAL, "A message filter returned no text.");
            }
        }
        return new Filtered(now, !now.equals(text));
    }
}
