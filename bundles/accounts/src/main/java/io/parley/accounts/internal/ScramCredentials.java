package io.parley.accounts.internal;

import io.parley.protocol.Scram;
import java.util.Optional;

/**
 * What the server keeps of a password since SCRAM came: salt, iterations, StoredKey and ServerKey, stored as
 * {@code scram-sha256$<iterations>$<salt>$<storedKey>$<serverKey>} (base64) in the account's password hash.
 * They check an AUTH_FINISH proof without the password, and a plain LOGIN by deriving the keys again.
 */
record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    static final String PREFIX = "scram-sha256";

    static ScramCredentials derive(String password, byte[] salt, int iterations) {
        byte[] salted = Scram.saltedPassword(password, salt, iterations);
        return new ScramCredentials(salt, iterations, Scram.storedKey(Scram.clientKey(salted)), Scram.serverKey(salted));
    }

    /** The stored form; empty for any other form (an account from before SCRAM, a damaged value). */
    static Optional<ScramCredentials> parse(String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 5 || !PREFIX.equals(parts[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ScramCredentials(Scram.fromBase64(parts[2]), Integer.parseInt(parts[1]),
                    Scram.fromBase64(parts[3]), Scram.fromBase64(parts[4])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String format() {
        return PREFIX + "$" + iterations + "$" + Scram.base64(salt) + "$" + Scram.base64(storedKey) + "$"
                + Scram.base64(serverKey);
    }
}
