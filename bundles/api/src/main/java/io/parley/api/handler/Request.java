package io.parley.api.handler;

import io.parley.api.ParleyException;
import io.parley.api.session.Session;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** One request as a handler sees it, with the connection it came on. */
@ProviderType
public interface Request {

    /** The client's request id, echoed in the response. */
    String id();

    /** The request type code. */
    int type();

    /**
     * The body as a record of the given type.
     *
     * @throws ParleyException BAD_REQUEST, with a sentence naming the field, when the body does not fit
     */
    <T> T body(Class<T> type);

    /** The logged-in session of this connection; empty before LOGIN or RESUME succeeds. */
    Optional<Session> session();

    /** The session, for types the login gate only lets through after login. */
    default Session requireSession() {
        return session().orElseThrow(() -> ParleyException.unauthenticated("log in first"));
    }

    /** The peer's IP address, for rate limits and logs. */
    String remoteAddress();

    /**
     * Binds this connection to a user's device. A connection of the same user and device that is already
     * logged in gets a KICKED notice and is closed.
     */
    void login(Session session);

    /**
     * Keeps a value on this connection for a later request of the same connection, such as a login exchange
     * between its two steps; it replaces whatever was kept before, and goes with the connection.
     */
    void keep(Object value);

    /**
     * Takes the value {@link #keep} left on this connection, if any: once taken it is gone, so each is used by
     * one request at most. After the keeping bundle was updated it may be an instance of the old bundle's class.
     */
    Optional<Object> take();

    /** Closes the connection once the response to this request has been written (LOGOUT). */
    void closeAfterResponse();
}
