package io.parley.api.group;

import java.util.List;

/** GROUP_LIST answer: the caller's groups with its role in each. */
public record GroupList(List<Entry> groups) {

    public record Entry(long groupId, String name, String role) {
    }
}
