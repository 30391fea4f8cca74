package io.parley.api;

import io.parley.protocol.Status;
import java.util.Objects;

/**
 * A request cannot be answered OK. The transport answers with {@link #status()} and {@link #getMessage()};
 * the message is a sentence for a person, never a stack trace, SQL or a secret.
 */
public class ParleyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final Long retryAfterMs;

    public ParleyException(Status status, String message) {
        this(status, message, null, null);
    }

    public ParleyException(Status status, String message, Throwable cause) {
        this(status, message, null, cause);
    }

    private ParleyException(Status status, String message, Long retryAfterMs, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.status = Objects.requireNonNull(status, "status");
        this.retryAfterMs = retryAfterMs;
    }

    /** RATE_LIMITED with a hint of when a retry may succeed. */
    public static ParleyException rateLimited(String message, long retryAfterMs) {
        return new ParleyException(Status.RATE_LIMITED, message, retryAfterMs, null);
    }

    public static ParleyException badRequest(String message) {
        return new ParleyException(Status.BAD_REQUEST, message);
    }

    public static ParleyException notFound(String message) {
        return new ParleyException(Status.NOT_FOUND, message);
    }

    public static ParleyException forbidden(String message) {
        return new ParleyException(Status.FORBIDDEN, message);
    }

    public static ParleyException conflict(String message) {
        return new ParleyException(Status.CONFLICT, message);
    }

    public static ParleyException unauthenticated(String message) {
        return new ParleyException(Status.UNAUTHENTICATED, message);
    }

    public static ParleyException unavailable(String message, Throwable cause) {
        return new ParleyException(Status.UNAVAILABLE, message, cause);
    }

    public Status status() {
        return status;
    }

    /** Milliseconds after which a retry may succeed, for RATE_LIMITED; null otherwise. */
    public Long retryAfterMs() {
        return retryAfterMs;
    }
}
