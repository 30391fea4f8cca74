package io.parley.api.account;

/** A user account as other bundles see it: identity and public profile, never the password hash. */
public record Account(long id, String username, String nickname, String signature, String avatar, long createdAt) {
}
