package io.parley.api.session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who is online. One node keeps it in memory; a cluster shares it (Redis), so this is an SPI of its own,
 * apart from {@link PushService}, which reaches only the connections of this node.
 */
@ProviderType
public interface PresenceService {

    /** True while at least one device of the user is logged in. */
    boolean isOnline(long userId);
}
