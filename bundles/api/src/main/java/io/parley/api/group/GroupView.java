package io.parley.api.group;

import java.util.List;
import java.util.Optional;

/** A group as rules and features see it: members oldest first. */
public record GroupView(long groupId, String name, long ownerId, List<GroupMember> members) {

    public GroupView {
        members = List.copyOf(members);
    }

    public boolean isMember(long userId) {
        return member(userId).isPresent();
    }

    public Optional<GroupMember> member(long userId) {
        return members.stream().filter(m -> m.userId() == userId).findFirst();
    }

    public List<Long> memberIds() {
        return members.stream().map(GroupMember::userId).toList();
    }
}
