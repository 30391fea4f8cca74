package io.parley.api.group;

import io.parley.api.handler.Paged;
import java.util.List;
import java.util.Map;

/**
 * GROUP_INFO answer; {@code settings} holds what installed features add (empty for a plain group). Members come
 * in username order (case-insensitive), one page at a time: with {@code more}, ask again with {@code after} the
 * last member's username.
 */
public record GroupInfo(long groupId, String name, String owner, List<Member> members, Map<String, Object> settings,
        boolean more) implements Paged {

    public GroupInfo(long groupId, String name, String owner, List<Member> members, Map<String, Object> settings) {
        this(groupId, name, owner, members, settings, false);
    }

    public record Member(String username, String role) {
    }

    @Override
    public int items() {
        return members.size();
    }

    @Override
    public GroupInfo first(int n) {
        return new GroupInfo(groupId, name, owner, List.copyOf(members.subList(0, n)), settings, true);
    }
}
