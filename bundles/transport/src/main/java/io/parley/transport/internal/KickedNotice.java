package io.parley.transport.internal;

/** The body of a KICKED notice. */
record KickedNotice(String reason) {
}
