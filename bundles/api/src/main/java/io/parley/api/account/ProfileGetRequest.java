package io.parley.api.account;

/** PROFILE_GET body. */
public record ProfileGetRequest(String username) {
}
