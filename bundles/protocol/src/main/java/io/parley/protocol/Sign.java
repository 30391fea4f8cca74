package io.parley.protocol;

/** The direction and role of a frame. */
public final class Sign {
    /** Client to server; the body carries an {@code id}. */
    public static final int REQUEST = 1;
    /** Server to client; answers exactly one request, with the request's {@code id}. */
    public static final int RESPONSE = 2;
    /** Server push, unsolicited, no {@code id}. */
    public static final int NOTICE = 3;

    private Sign() {
    }
}
