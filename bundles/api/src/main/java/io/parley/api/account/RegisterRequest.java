package io.parley.api.account;

import io.parley.api.serialization.OptionalField;

/** REGISTER body. */
public record RegisterRequest(String username, String password, @OptionalField String nickname) {
}
