package io.parley.api.message;

/** MSG_ACK body: this device holds every entry up to {@code seq}. */
public record AckRequest(Long seq) {
}
