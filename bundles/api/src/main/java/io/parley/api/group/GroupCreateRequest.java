package io.parley.api.group;

import java.util.List;

/** GROUP_CREATE body: the creator becomes the owner; {@code members} are the others. */
public record GroupCreateRequest(String name, List<String> members) {
}
