package io.parley.api.account;

/** AUTH_FINISH body: the nonce AUTH_START answered and the client's proof (base64). */
public record AuthFinishRequest(String nonce, String proof) {
}
