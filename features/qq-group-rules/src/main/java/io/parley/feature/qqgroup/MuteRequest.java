package io.parley.feature.qqgroup;

/** GROUP_MUTE body: mute a member for {@code seconds}; 0 lifts the mute. */
public record MuteRequest(Long groupId, String username, Long seconds) {
}
