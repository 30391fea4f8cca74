package io.parley.api.message;

import org.osgi.annotation.versioning.ProviderType;

/** The part of the inbox that LOGIN and RESUME report to a device, and its erasure. */
@ProviderType
public interface InboxService {

    InboxPosition position(long userId, String device);

    /**
     * Erases the user's stored messages as {@link io.parley.api.store.MessageStore#erase} says; returns how many
     * inbox entries went.
     */
    long erase(long userId);
}
