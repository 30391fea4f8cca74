package io.parley.feature.qqgroup;

/** GROUP_JOIN_DECIDE body: approve or turn down the join request of {@code username}. */
public record JoinDecideRequest(Long groupId, String username, Boolean approve) {
}
