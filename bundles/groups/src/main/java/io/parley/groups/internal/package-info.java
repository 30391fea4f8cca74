/**
 * Discussion groups: GROUP_CREATE .. GROUP_SEND and the {@link io.parley.api.group.GroupService}.
 *
 * <p>Before every action the {@link io.parley.groups.internal.GroupRuleChain} asks each registered
 * {@link io.parley.api.group.GroupRule}: a DENY refuses (FORBIDDEN with the rule's reason), an ALLOW replaces
 * the core policy, and when all abstain the core discussion-group policy decides: the creator owns the group,
 * any member adds, the owner removes and dissolves, anyone leaves, at most {@code maxMembers} members.
 * Messages fan out through the message service: stored once, one inbox entry per member. Membership changes
 * land in every member's inbox as event entries. Active groups are cached and evicted when idle.
 */
package io.parley.groups.internal;
