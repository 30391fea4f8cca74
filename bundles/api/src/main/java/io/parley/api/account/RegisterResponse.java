package io.parley.api.account;

/** REGISTER answer. */
public record RegisterResponse(long userId) {
}
