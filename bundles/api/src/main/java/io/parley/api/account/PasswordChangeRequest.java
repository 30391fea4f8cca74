package io.parley.api.account;

import io.parley.api.serialization.WireName;

/** PASSWORD_CHANGE body: {@code {old, new}}. */
public record PasswordChangeRequest(String old, @WireName("new") String newPassword) {
}
