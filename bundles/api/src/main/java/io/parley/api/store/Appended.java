package io.parley.api.store;

import java.util.Map;

/**
 * A stored message and the inbox entries made for it.
 *
 * @param seqs      inbox owner id to the seq of its new entry; empty when {@code duplicate}
 * @param duplicate the sender's cid was stored before; this is that earlier message
 */
public record Appended(long msgId, long ts, Map<Long, Long> seqs, boolean duplicate) {
}
