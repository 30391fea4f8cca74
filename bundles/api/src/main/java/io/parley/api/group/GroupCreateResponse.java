package io.parley.api.group;

/** GROUP_CREATE answer. */
public record GroupCreateResponse(long groupId) {
}
