package io.parley.feature.qqgroup;

/** GROUP_MUTE_ALL body: only the owner and admins may speak while on. */
public record MuteAllRequest(Long groupId, Boolean on) {
}
