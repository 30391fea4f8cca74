package io.parley.api.group;

import io.parley.api.serialization.OptionalField;

/** GROUP_LIST body: the page of groups after groupId {@code after}, or the first page. */
public record GroupListRequest(@OptionalField Long after) {
}
