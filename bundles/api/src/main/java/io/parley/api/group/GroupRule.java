package io.parley.api.group;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service asked before every group action. Rules are tracked dynamically: one registered or
 * unregistered at runtime takes effect on the next action. Rules keep their own data through
 * {@link io.parley.api.store.AttributeStore}.
 */
@ConsumerType
public interface GroupRule {

    Decision check(GroupAction action);

    /**
     * Adjusts the roles GROUP_INFO and GROUP_LIST show: {@code roles} maps each member's user id to its role,
     * "owner" or "member" to begin with. Called once per group, so a rule reads its data once.
     */
    default void roles(GroupView group, Map<Long, String> roles) {
    }

    /** Adds this rule's settings to what GROUP_INFO shows under {@code settings}. */
    default void describe(GroupView group, Map<String, Object> settings) {
    }

    /**
     * Called after users stopped being members of a group: removed, left, or the group dissolved ({@code group}
     * is the group before). A rule forgets what it kept about them as members (a role, a mute, a pending
     * request), so none of it comes back if they are added again. Not called while the rule's bundle is away.
     */
    default void membersLeft(GroupView group, List<Long> userIds) {
    }
}
