package io.parley.api.account;

/**
 * AUTH_FINISH answer: as LOGIN's, plus the server's signature (base64), which the client checks before it
 * trusts the connection.
 */
public record AuthFinishResponse(long userId, String token, long seq, long acked, String serverSignature) {
}
