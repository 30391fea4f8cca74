package io.parley.api.session;

import io.parley.api.account.UserRef;
import java.util.Objects;

/**
 * A logged-in device of a user.
 *
 * @param userId   the account id
 * @param username the account's username
 * @param device   the device name the client gave at login, e.g. "ios" or "pc"
 * @param tokenId  the stored id of the token this connection logged in with, so LOGOUT revokes just it
 */
public record Session(long userId, String username, String device, String tokenId) {
    public Session {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(tokenId, "tokenId");
    }

    /** The user of this session, by id and username. */
    public UserRef user() {
        return new UserRef(userId, username);
    }
}
