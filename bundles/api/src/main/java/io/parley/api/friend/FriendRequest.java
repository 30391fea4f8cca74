package io.parley.api.friend;

/** FRIEND_ACCEPT, FRIEND_REJECT and FRIEND_REMOVE body: the other user. */
public record FriendRequest(String username) {
}
