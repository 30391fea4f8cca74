package io.parley.api.group;

import io.parley.api.serialization.OptionalField;

/** GROUP_INFO body: the group, and the page of members after username {@code after}, or the first page. */
public record GroupInfoRequest(Long groupId, @OptionalField String after) {
}
