package io.parley.api.admin;

import io.parley.api.ParleyException;
import java.util.function.Supplier;

/**
 * A command that cannot do what it was asked, with a sentence for the operator. The HTTP API answers the kind's
 * status (400, 404, 409, 500, 503) with the sentence; the console prints it.
 */
public final class AdminException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why, as an HTTP status. */
    public enum Kind {
        BAD_ARGUMENT(400), NOT_FOUND(404), CONFLICT(409), FAILED(500),
        /** A part the command needs is away for a moment (a bundle or a store restarting): the same again shortly. */
        UNAVAILABLE(503);

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

    /**
     * Runs work that refuses with the wire's {@link ParleyException} (a taken name, no such group) and turns a
     * refusal into the admin API's kind with the same sentence: BAD_REQUEST is a bad argument, NOT_FOUND keeps its
     * meaning, CONFLICT and FORBIDDEN (a rule even the operator keeps: the owner cannot be muted) are a conflict,
     * anything else failed.
     */
    public static <T> T refusing(Supplier<T> work) {
        try {
            return work.get();
        } catch (ParleyException e) {
            Kind kind = switch (e.status()) {
                case BAD_REQUEST -> Kind.BAD_ARGUMENT;
                case NOT_FOUND -> Kind.NOT_FOUND;
                case CONFLICT, FORBIDDEN -> Kind.CONFLICT;
                case UNAVAILABLE, RATE_LIMITED -> Kind.UNAVAILABLE;
                default -> Kind.FAILED;
            };
            throw new AdminException(kind, e.getMessage(), e);
        }
    }
}
