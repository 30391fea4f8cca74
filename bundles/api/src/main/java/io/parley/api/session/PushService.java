package io.parley.api.session;

import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/** Sends notices to the connected devices of a user on this node. A notice is a hint: it may be lost. */
@ProviderType
public interface PushService {

    /**
     * Pushes a notice of the given type to every logged-in device of the user.
     *
     * @return the number of devices it was written to
     */
    int push(long userId, int type, Object body);

    /** The devices of the user that are logged in on this node. */
    Set<String> devices(long userId);

    /**
     * Ends the user's sessions on this node, all but the given device's: each gets a KICKED notice with the
     * reason and is closed (a password change, say, must not leave other devices logged in).
     *
     * @param exceptDevice the device that stays, or null to end them all
     * @return the number of sessions ended
     */
    int kick(long userId, String exceptDevice, String reason);

    /** True while at least one device of the user is logged in on this node. */
    default boolean isOnline(long userId) {
        return !devices(userId).isEmpty();
    }
}
