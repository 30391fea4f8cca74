package io.parley.api.handler;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An answer or notice that lists things and can be cut to fit in one frame: no frame exceeds maxBody
 * (PROTOCOL.md). When the serialized body is larger, the transport asks for the first items only, as many as
 * fit; a cut answer says {@code more: true}, and the client continues from its last item with the request's
 * cursor (MSG_PULL {@code after}, HISTORY {@code before}, ...). Handlers return such bodies and need not
 * measure them.
 */
@ConsumerType
public interface Paged {

    /** How many items this body lists. */
    int items();

    /** This body with only its first {@code n} items, {@code 0 <= n < items()}, marked as having more. */
    Paged first(int n);
}
