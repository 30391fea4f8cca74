package io.parley.api.group;

import io.parley.api.handler.Paged;
import java.util.List;

/**
 * GROUP_LIST answer, one page: the caller's groups in groupId order, with its role in each. With {@code more},
 * ask again with {@code after} the last groupId of this page.
 */
public record GroupList(List<Entry> groups, boolean more) implements Paged {

    public GroupList(List<Entry> groups) {
        this(groups, false);
    }

    public record Entry(long groupId, String name, String role) {
    }

    @Override
    public int items() {
        return groups.size();
    }

    @Override
    public GroupList first(int n) {
        return new GroupList(List.copyOf(groups.subList(0, n)), true);
    }
}
