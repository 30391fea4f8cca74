package io.parley.api.account;

/** RESUME body: log in again with the token of an earlier LOGIN. */
public record ResumeRequest(String token, String device) {
}
