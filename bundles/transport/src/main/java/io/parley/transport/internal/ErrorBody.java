package io.parley.transport.internal;

/** The body of an error response: a sentence, and for RATE_LIMITED when to retry. Null fields are left out. */
record ErrorBody(String error, Long retryAfterMs) {
}
