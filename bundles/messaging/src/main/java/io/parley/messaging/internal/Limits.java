package io.parley.messaging.internal;

import io.parley.api.ParleyException;

/** Checks of request fields shared by the messaging handlers (message fields: MessageChecks in the api). */
final class Limits {

    private Limits() {
    }

    /** The limit to use: the default when none was given, else 1..max. */
    static int limit(Integer requested, int defaultLimit, int max) {
        if (requested == null) {
            return Math.min(defaultLimit, max);
        }
        if (requested < 1 || requested > max) {
            throw ParleyException.badRequest("'limit' must be 1 to " + max + ".");
        }
        return requested;
    }
}
