package io.parley.protocol;

/** Response status codes. Codes are part of the wire contract; never renumber them. */
public enum Status {
    OK(0),
    BAD_REQUEST(1),
    UNAUTHENTICATED(2),
    FORBIDDEN(3),
    NOT_FOUND(4),
    CONFLICT(5),
    UNSUPPORTED(6),
    RATE_LIMITED(7),
    UNAVAILABLE(8),
    INTERNAL(9);

    private static final Status[] BY_CODE = values();

    private final int code;

    Status(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * The status for a wire code.
     *
     * @throws IllegalArgumentException for a code this protocol version does not define
     */
    public static Status of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown status code " + code);
        }
        return BY_CODE[code];
    }
}
