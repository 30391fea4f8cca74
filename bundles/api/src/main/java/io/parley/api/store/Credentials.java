package io.parley.api.store;

/** What a login checks: the account id, its exact username and the stored password hash. */
public record Credentials(long userId, String username, String passwordHash) {
}
