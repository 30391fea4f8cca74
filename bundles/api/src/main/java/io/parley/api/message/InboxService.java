package io.parley.api.message;

import org.osgi.annotation.versioning.ProviderType;

/** The part of the inbox that LOGIN and RESUME report to a device. */
@ProviderType
public interface InboxService {

    InboxPosition position(long userId, String device);
}
