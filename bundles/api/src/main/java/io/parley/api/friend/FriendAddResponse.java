package io.parley.api.friend;

/** FRIEND_ADD answer: {@link #PENDING}, or {@link #FRIENDS} when the other user had already asked. */
public record FriendAddResponse(String status) {
    public static final String PENDING = "pending";
    public static final String FRIENDS = "friends";
}
