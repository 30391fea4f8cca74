package io.parley.api.store;

/** A profile edit; null fields stay as they are. */
public record ProfileChange(String nickname, String signature, String avatar) {
}
