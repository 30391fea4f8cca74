package io.parley.api.friend;

import io.parley.api.serialization.OptionalField;

/** FRIEND_EVENT notice: {@code event} is request, accepted, rejected or removed; {@code username} the other user. */
public record FriendEvent(String event, String username, @OptionalField String note) {
    public static final String REQUEST = "request";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String REMOVED = "removed";
}
