package io.parley.api.message;

/** The newest seq of a user's inbox and the cursor one device has acknowledged. */
public record InboxPosition(long seq, long acked) {
    public static final InboxPosition EMPTY = new InboxPosition(0, 0);
}
