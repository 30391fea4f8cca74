package io.parley.feature.qqgroup;

/** GROUP_SET_ROLE body: {@code role} is "admin" or "member". */
public record SetRoleRequest(Long groupId, String username, String role) {
}
