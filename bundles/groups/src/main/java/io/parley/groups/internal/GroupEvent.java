package io.parley.groups.internal;

import java.util.List;

/**
 * The {@code event} of a group event entry: {@code type} is created, added, removed, left, dissolved or owner;
 * {@code members} the usernames it concerns; {@code owner} the new owner when ownership moved. Null fields are
 * left out.
 */
record GroupEvent(String type, String name, List<String> members, String owner) {

    static GroupEvent of(String type, List<String> members) {
        return new GroupEvent(type, null, members, null);
    }
}
