package io.parley.api.store;

/**
 * A login token as stored: {@code tokenId} is a hash of the token, never the token itself.
 */
public record StoredToken(String tokenId, long userId, String device, long createdAt, long expiresAt) {
}
