package io.parley.api.friend;

import io.parley.api.serialization.OptionalField;

/** FRIEND_ADD body. */
public record FriendAddRequest(String username, @OptionalField String note) {
}
