package io.parley.api.group;

import io.parley.api.account.UserRef;
import java.util.Collection;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Groups for other bundles: messaging's HISTORY and feature bundles' handlers. */
@ProviderType
public interface GroupService {

    String OWNER = "owner";
    String MEMBER = "member";

    /** A live (not dissolved) group. */
    Optional<GroupView> find(long groupId);

    /** Puts an action to the rules; throws FORBIDDEN with the reason when one denies it. */
    void check(GroupAction action);

    /**
     * Adds members on behalf of a feature (an approved join request), with the rules consulted as for
     * GROUP_ADD, and posts the "added" event.
     */
    void addMembers(UserRef actor, long groupId, Collection<Long> userIds);

    /** Makes another member the owner and posts the "owner" event. */
    void transferOwnership(UserRef actor, long groupId, long newOwnerId);

    /** Posts a feature's event (a mute, a role change) to every member's inbox. */
    void postEvent(UserRef actor, long groupId, Object event);

    /** How many groups are cached in memory now; for operators and tests of idle eviction. */
    int cachedGroups();
}
