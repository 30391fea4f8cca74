package io.parley.feature.qqgroup.internal;

import io.parley.api.ParleyException;
import java.util.Locale;

/** How people get into a QQ group. */
enum JoinMode {
    /** GROUP_JOIN joins at once; members may add people. */
    OPEN,
    /** GROUP_JOIN asks; the owner or an admin decides; members may add people. */
    APPROVAL,
    /** No GROUP_JOIN; only the owner and admins add people. */
    INVITE,
    /** Nobody joins or is added. */
    CLOSED;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static JoinMode parse(String text) {
        for (JoinMode m : values()) {
            if (m.wire().equals(text)) {
                return m;
            }
        }
        throw ParleyException.badRequest("'joinMode' must be open, approval, invite or closed.");
    }
}
