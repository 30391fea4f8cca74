package io.parley.api.account;

/** A user by id and username, as the session already knows it; saves a lookup when both are needed. */
public record UserRef(long id, String username) {
}
