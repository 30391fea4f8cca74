package io.parley.api.session;

import java.util.function.LongConsumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link NoticeBus} delivers what other nodes published: notices for this node's logged-in devices of
 * the user, and requests to end their sessions. Provided by the transport.
 */
@ProviderType
public interface NoticeSink {

    /**
     * Writes the notice to this node's logged-in devices of the user, and nowhere else.
     *
     * @param body the notice body as written on the wire (JSON)
     * @return the number of devices it was written to
     */
    int deliver(long userId, int type, byte[] body);

    /**
     * Ends sessions of the user on this node, as {@link NoticeBus#publishEndSessions} describes.
     *
     * @return the number of sessions ended
     */
    int endSessions(long userId, String device, boolean allOthers, String reason);

    /**
     * Calls {@code user} with the id of each user who has a logged-in device on this node now (a bus that routes
     * renews their routes from it, whatever events it missed).
     *
     * @since 1.6
     */
    default void forEachUser(LongConsumer user) {
    }
}
