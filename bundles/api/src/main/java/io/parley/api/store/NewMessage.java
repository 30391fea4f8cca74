package io.parley.api.store;

/**
 * A message or event to store. {@code recipientId} is set for 1:1 messages, {@code groupId} for group
 * messages and events; {@code eventJson} only for events; {@code cid} may be null for events. The usernames
 * travel along so a store that keeps whole entries (the Redis fast inbox) needs no lookup.
 */
public record NewMessage(long senderId, String senderName, Long recipientId, String recipientName, Long groupId,
        String kind, String text, String eventJson, String cid, long ts) {
}
