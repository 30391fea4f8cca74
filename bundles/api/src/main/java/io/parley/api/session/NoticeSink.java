package io.parley.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link NoticeBus} delivers the notices other nodes published: this node's logged-in devices of the
 * user. Provided by the transport.
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
}
