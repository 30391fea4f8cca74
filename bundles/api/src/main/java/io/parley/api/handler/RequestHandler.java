package io.parley.api.handler;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Answers one request type. Register it as a service with {@link ParleyType}.
 *
 * <p>The transport calls handlers on a worker thread, never on a network event loop unless the handler says it
 * does not block ({@link #nonBlocking}), and one connection's requests in the order they arrived; blocking on
 * storage is fine. A handler answers by returning the
 * response body (a record serialized as a JSON object; the transport adds the request's {@code id}) or by
 * throwing {@link io.parley.api.ParleyException} with a status and a sentence. Any other exception answers
 * INTERNAL and is logged with the request id.
 */
@ConsumerType
@FunctionalInterface
public interface RequestHandler {
    Object handle(Request request);

    /**
     * True when {@link #handle} does no I/O and waits for no lock held for long, so the transport may call it
     * on the network event loop when its connection has no other request waiting, saving the trips to a
     * worker thread and back. Asked before each request, so the answer may follow what the handler uses (the
     * store behind it, say). The default, false, runs every request on a worker.
     */
    default boolean nonBlocking() {
        return false;
    }
}
