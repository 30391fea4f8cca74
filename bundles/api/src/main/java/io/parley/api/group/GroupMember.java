package io.parley.api.group;

/** A member of a group, with when it joined (longest-standing first decides a new owner). */
public record GroupMember(long userId, String username, long joinedAt) {
}
