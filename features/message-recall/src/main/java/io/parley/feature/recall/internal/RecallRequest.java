package io.parley.feature.recall.internal;

/** MSG_RECALL's body: the message to take back. */
public record RecallRequest(Long msgId) {
}
