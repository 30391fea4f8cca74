package io.parley.api.message;

import io.parley.api.serialization.RawJson;

/**
 * One entry of a user's inbox, as MSG_PULL, MSG_NOTIFY and HISTORY carry it.
 *
 * @param seq     the entry's number in this user's inbox: 1, 2, 3 ... without gaps
 * @param msgId   the stored message; a group message has one msgId in many inboxes
 * @param kind    {@link #MSG} or {@link #EVENT}
 * @param from    the sender's (or the event's actor's) username
 * @param to      the receiver's username, for 1:1 messages; null otherwise
 * @param groupId the group, for group messages and events; null otherwise
 * @param text    the text of a message; null for events
 * @param event   the event's details, for events; null for messages
 * @param ts      when the server stored it, epoch milliseconds
 */
public record InboxEntry(long seq, long msgId, String kind, String from, String to, Long groupId, String text,
        RawJson event, long ts) {

    public static final String MSG = "msg";
    public static final String EVENT = "event";
}
