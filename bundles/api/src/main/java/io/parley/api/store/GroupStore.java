package io.parley.api.store;

import io.parley.api.group.GroupView;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Durable groups and their members. A dissolved group is kept (inboxes point at it) but never found. */
@ProviderType
public interface GroupStore {

    /** Creates a live group with its owner and members (joinedAt = createdAt); returns its id. */
    long create(String name, long ownerId, Collection<Long> memberIds, long createdAt);

    Optional<GroupView> find(long groupId);

    void addMembers(long groupId, Collection<Long> userIds, long joinedAt);

    void removeMembers(long groupId, Collection<Long> userIds);

    void setOwner(long groupId, long ownerId);

    void dissolve(long groupId);

    /** The live groups the user is a member of, with their names and owners, oldest first. */
    List<GroupView> groupsOf(long userId);

    /** One live group as the operator's listing shows it: no member list, only its size. */
    record Listed(long groupId, String name, long ownerId, int members) {
    }

    /**
     * Live groups with an id above {@code afterId}, in id order, at most {@code limit}. For the operator's
     * listing; never on a user's request path.
     */
    List<Listed> list(long afterId, int limit);
}
