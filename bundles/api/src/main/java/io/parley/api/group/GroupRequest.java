package io.parley.api.group;

/** GROUP_DISSOLVE, GROUP_LEAVE and GROUP_INFO body. */
public record GroupRequest(Long groupId) {
}
