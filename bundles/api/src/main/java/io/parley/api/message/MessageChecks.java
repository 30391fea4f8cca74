package io.parley.api.message;

import io.parley.api.ParleyException;

/**
 * The checks every sending handler makes of a message's fields (MSG_SEND, GROUP_SEND, a feature's own), so
 * that a text or a cid is judged by the same rule and refused with the same sentence wherever it is sent.
 */
public final class MessageChecks {

    /** The longest client message id, in characters. */
    public static final int MAX_CID = 64;

    private MessageChecks() {
    }

    /** A text is 1 to max Unicode characters (an emoji counts once); else BAD_REQUEST. */
    public static void checkText(String text, int max) {
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > max) {
            throw ParleyException.badRequest("A message text is 1 to " + max + " characters.");
        }
    }

    /** A cid is 1 to {@link #MAX_CID} characters; else BAD_REQUEST. */
    public static void checkCid(String cid) {
        if (cid.isEmpty() || cid.length() > MAX_CID) {
            throw ParleyException.badRequest("'cid' must be 1 to " + MAX_CID + " characters.");
        }
    }
}
