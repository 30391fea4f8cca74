package io.parley.api.account;

/** PROFILE_GET answer. Empty strings stand for fields the user never set. */
public record Profile(String username, String nickname, String signature, String avatar, boolean online) {
}
