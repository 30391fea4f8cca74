/**
 * Accounts: REGISTER, LOGIN, RESUME, LOGOUT, PROFILE_GET, PROFILE_UPDATE and PASSWORD_CHANGE, and the
 * {@link io.parley.api.account.AccountService} other bundles look users up with.
 *
 * <p>Passwords are stored as salted PBKDF2-HMAC-SHA512 hashes; login tokens are 128 random bits handed to the
 * client once and stored only as a SHA-256 hash, with an expiry. Failed logins are counted per username and
 * per remote address; past the limit a login answers RATE_LIMITED with {@code retryAfterMs}.
 */
package io.parley.accounts.internal;
