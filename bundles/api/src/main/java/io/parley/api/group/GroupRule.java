package io.parley.api.group;

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

    /** The role GROUP_INFO and GROUP_LIST show for a member; {@code coreRole} is "owner" or "member". */
    default String role(GroupView group, long userId, String coreRole) {
        return coreRole;
    }

    /** Adds this rule's settings to what GROUP_INFO shows under {@code settings}. */
    default void describe(GroupView group, Map<String, Object> settings) {
    }
}
