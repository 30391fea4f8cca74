package io.parley.api.message;

/** MSG_SEND and GROUP_SEND answer. */
public record SendResponse(long msgId, long ts) {
}
