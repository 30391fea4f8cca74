package io.parley.feature.recall.internal;

/** MSG_RECALL's body: the message to take back. */
record RecallRequest(Long msgId) {
}
