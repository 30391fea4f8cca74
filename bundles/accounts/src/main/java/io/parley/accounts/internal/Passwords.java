package io.parley.accounts.internal;

import io.parley.protocol.Scram;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes in their two stored forms. New ones are {@link ScramCredentials} (PBKDF2-HMAC-SHA-256,
 * {@code iterations} rounds), which both SCRAM and plain LOGIN can check. Accounts from before SCRAM hold
 * {@code pbkdf2-sha512$<iterations>$<salt>$<hash>}: plain LOGIN still checks those, and the account moves to
 * the SCRAM form at that login.
 */
final class Passwords {

    static final int SALT_BYTES = 16;
    /** RFC 7677's least, which clients may insist on (the SDK does). */
    static final int MIN_ITERATIONS = 4096;
    private static final String OLD_PREFIX = "pbkdf2-sha512";
    private static final int OLD_HASH_BITS = 256;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    Passwords(int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("pbkdf2Iterations must be at least " + MIN_ITERATIONS);
        }
        this.iterations = iterations;
    }

    int iterations() {
        return iterations;
    }

    /** The stored form of a new password. */
    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return ScramCredentials.derive(password, salt, iterations).format();
    }

    /** True when the password matches the stored hash, in either form; false for a damaged one. */
    boolean verify(String password, String stored) {
        Optional<ScramCredentials> scram = ScramCredentials.parse(stored);
        if (scram.isPresent()) {
            ScramCredentials c = scram.get();
            return MessageDigest.isEqual(c.storedKey(), ScramCredentials.derive(password, c.salt(), c.iterations()).storedKey());
        }
        return verifyOld(password, stored);
    }

    /** Spends the time of a real check, so an unknown username cannot be told apart by timing. */
    void verifyNothing(String password) {
        Scram.saltedPassword(password, new byte[SALT_BYTES], iterations);
    }

    /**
     * A made-up salt for a username with no SCRAM keys (unknown, or from before SCRAM): the same for the same
     * name on every node and after restarts, unpredictable without the secret, so an AUTH_START answer does
     * not tell whether the user exists.
     */
    static byte[] madeUpSalt(byte[] secret, String usernameKey) {
        return Arrays.copyOf(Scram.hmac(secret, "salt:" + usernameKey), SALT_BYTES);
    }

    private static boolean verifyOld(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !OLD_PREFIX.equals(parts[0])) {
            return false;
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return MessageDigest.isEqual(b64.decode(parts[3]),
                    oldHash(password, b64.decode(parts[2]), Integer.parseInt(parts[1])));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The form accounts had before SCRAM, for tests of how such accounts move over. */
    static String oldForm(String password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return OLD_PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(oldHash(password, salt, iterations));
    }

    /** PBKDF2-HMAC-SHA512, 256 bits: the hash accounts had before SCRAM. */
    private static byte[] oldHash(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, OLD_HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }
}
