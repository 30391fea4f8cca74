package io.parley.api.message;

import io.parley.api.serialization.OptionalField;

/**
 * MSG_SEND and GROUP_SEND answer. {@code masked} is true when a message filter (the content-filter feature)
 * changed the text before it was stored; otherwise it is left out.
 */
public record SendResponse(long msgId, long ts, @OptionalField Boolean masked) {

    public SendResponse(long msgId, long ts) {
        this(msgId, ts, null);
    }

    /** The answer, with {@code masked: true} only when the text was changed. */
    public static SendResponse of(Delivery delivery, boolean masked) {
        return new SendResponse(delivery.msgId(), delivery.ts(), masked ? Boolean.TRUE : null);
    }
}
