package io.parley.api.message;

/** MSG_SEND body. {@code cid} is the client's id for the message, unique per sender. */
public record SendRequest(String to, String text, String cid) {
}
