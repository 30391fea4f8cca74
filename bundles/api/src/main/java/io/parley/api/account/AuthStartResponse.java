package io.parley.api.account;

/**
 * AUTH_START answer: the whole nonce (the client's, then the server's), and the salt (base64) and PBKDF2
 * iterations the client derives its keys with.
 */
public record AuthStartResponse(String nonce, String salt, int iterations) {
}
