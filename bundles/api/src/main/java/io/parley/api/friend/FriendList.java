package io.parley.api.friend;

import java.util.List;

/** FRIEND_LIST answer. */
public record FriendList(List<Friend> friends, List<Incoming> incoming, List<String> outgoing) {

    /** A friend and whether it is online now. */
    public record Friend(String username, String nickname, boolean online) {
    }

    /** A request somebody sent the caller, waiting for FRIEND_ACCEPT or FRIEND_REJECT. */
    public record Incoming(String username, String note) {
    }
}
