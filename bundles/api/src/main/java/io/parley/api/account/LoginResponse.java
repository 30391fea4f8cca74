package io.parley.api.account;

/**
 * LOGIN and RESUME answer.
 *
 * @param seq   the newest seq in the user's inbox
 * @param acked this device's acknowledged cursor, so the device knows at once what to pull
 */
public record LoginResponse(long userId, String token, long seq, long acked) {
}
