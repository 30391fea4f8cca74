package io.parley.api.account;

/** AUTH_START body: the first step of a SCRAM-SHA-256 login; {@code clientNonce} is base64, 18 bytes or more. */
public record AuthStartRequest(String username, String device, String clientNonce) {
}
