package io.parley.transport.internal;

import io.parley.api.handler.Paged;
import io.parley.api.serialization.Serializer;

/**
 * Writes a body so that it fits in one frame: a {@link Paged} body that is too large is cut to as many of its
 * first items as fit (no frame exceeds maxBody, PROTOCOL.md). Costs nothing extra for a body that fits.
 */
final class BodyFit {

    private BodyFit() {
    }

    /**
     * The body written with its id, cut to at most {@code maxBody} bytes while it keeps at least
     * {@code minItems} items; null when even that does not fit.
     */
    static byte[] write(Serializer serializer, String id, Object body, int maxBody, int minItems) {
        byte[] bytes = serializer.write(id, body);
        while (bytes.length > maxBody && body instanceof Paged paged && paged.items() > minItems) {
            // Items of one answer are alike in size; the loop corrects an estimate that was too high.
            long estimate = (long) paged.items() * maxBody / bytes.length;
            int n = (int) Math.max(minItems, Math.min(paged.items() - 1L, estimate));
            body = paged.first(n);
            bytes = serializer.write(id, body);
        }
        return bytes.length <= maxBody ? bytes : null;
    }
}
