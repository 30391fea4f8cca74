package io.parley.api.message;

/**
 * The result of storing a message or event.
 *
 * @param duplicate true when the sender's cid was already stored: nothing new was stored or delivered
 */
public record Delivery(long msgId, long ts, boolean duplicate) {
}
