package io.parley.api.group;

import java.util.List;

/** GROUP_ADD and GROUP_REMOVE body. */
public record GroupMembersRequest(Long groupId, List<String> members) {
}
