package io.parley.api.group;

import java.util.List;
import java.util.Map;

/** GROUP_INFO answer; {@code settings} holds what installed features add (empty for a plain group). */
public record GroupInfo(long groupId, String name, String owner, List<Member> members, Map<String, Object> settings) {

    public record Member(String username, String role) {
    }
}
