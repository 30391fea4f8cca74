package io.parley.api.account;

/** LOGIN body. */
public record LoginRequest(String username, String password, String device) {
}
