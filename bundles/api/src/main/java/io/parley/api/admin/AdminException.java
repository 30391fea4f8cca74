package io.parley.api.admin;

/**
 * A command that cannot do what it was asked, with a sentence for the operator. The HTTP API answers the kind's
 * status (400, 404, 409, 500) with the sentence; the console prints it.
 */
public final class AdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why, as an HTTP status. */
    public enum Kind {
        BAD_ARGUMENT(400), NOT_FOUND(404), CONFLICT(409), FAILED(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AdminException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
