package io.parley.messaging.internal;

import io.parley.api.ParleyException;

/** Checks of request fields shared by the messaging handlers. */
final class Limits {

    static final int MAX_CID = 64;

    private Limits() {
    }

    static void checkText(String text, int max) {
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > max) {
            throw ParleyException.badRequest("A message text is 1 to " + max + " characters.");
        }
    }

    static void checkCid(String cid) {
        if (cid.isEmpty() || cid.length() > MAX_CID) {
            throw ParleyException.badRequest("'cid' must be 1 to " + MAX_CID + " characters.");
        }
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
