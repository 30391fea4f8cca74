package io.parley.api.store;

/**
 * One conversation of a user's inbox, as HISTORY reads it: the one with another user, or a group's. Replaces
 * the pair of nullable ids that every store had to check for "exactly one of the two".
 */
public sealed interface Conversation {

    /** The 1:1 conversation with the user of this id. */
    record Peer(long userId) implements Conversation {
    }

    /** The conversation of the group of this id. */
    record Group(long groupId) implements Conversation {
    }
}
