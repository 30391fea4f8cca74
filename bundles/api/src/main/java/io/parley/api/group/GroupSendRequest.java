package io.parley.api.group;

/** GROUP_SEND body; {@code cid} as in MSG_SEND. */
public record GroupSendRequest(Long groupId, String text, String cid) {
}
