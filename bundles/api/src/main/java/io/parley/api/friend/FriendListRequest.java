package io.parley.api.friend;

import io.parley.api.serialization.OptionalField;

/** FRIEND_LIST body: the page after username {@code after} (case-insensitive order), or the first page. */
public record FriendListRequest(@OptionalField String after) {
}
