package io.parley.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The arithmetic of SCRAM-SHA-256 login (RFC 5802, RFC 7677) as the protocol carries it in AUTH_START and
 * AUTH_FINISH, for both ends: the server keeps {@link #storedKey} and {@link #serverKey}, the client
 * derives {@link #saltedPassword} and sends a {@link #proof}. Byte strings on the wire are standard base64
 * with padding.
 */
public final class Scram {

    /** The client's nonce is at least this many random bytes; the server adds as many of its own. */
    public static final int MIN_NONCE_BYTES = 18;
    /** A nonce, in base64 characters, may be at most this long. */
    public static final int MAX_NONCE_CHARS = 128;
    private static final int KEY_BYTES = 32;

    private Scram() {
    }

    /** PBKDF2-HMAC-SHA-256 of the password's UTF-8 bytes: the one costly step, run by whoever holds the password. */
    public static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        // PBEKeySpec takes chars and the JDK's PBKDF2 encodes them as UTF-8, as RFC 7677 asks (after SASLprep,
        // which Parley leaves out: the password is used as the client sends it).
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    public static byte[] clientKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Client Key");
    }

    public static byte[] storedKey(byte[] clientKey) {
        return sha256(clientKey);
    }

    public static byte[] serverKey(byte[] saltedPassword) {
        return hmac(saltedPassword, "Server Key");
    }

    /**
     * What both ends sign: {@code n=username,r=clientNonce,r=nonce,s=salt,i=iterations,c=biws,r=nonce}, the
     * username with '=' written "=3D" and ',' written "=2C".
     */
    public static String authMessage(String username, String clientNonce, String nonce, String salt, int iterations) {
        String name = username.replace("=", "=3D").replace(",", "=2C");
        return "n=" + name + ",r=" + clientNonce + ",r=" + nonce + ",s=" + salt + ",i=" + iterations + ",c=biws,r=" + nonce;
    }

    /** The client's proof: ClientKey XOR HMAC(StoredKey, AuthMessage). */
    public static byte[] proof(byte[] clientKey, String authMessage) {
        return xor(clientKey, hmac(storedKey(clientKey), authMessage));
    }

    /** The server's answer that it knows the keys: HMAC(ServerKey, AuthMessage). */
    public static byte[] serverSignature(byte[] serverKey, String authMessage) {
        return hmac(serverKey, authMessage);
    }

    /**
     * The server's check: H(proof XOR HMAC(StoredKey, AuthMessage)) equals StoredKey, compared in constant
     * time. A proof of the wrong length is wrong.
     */
    public static boolean verify(byte[] storedKey, String authMessage, byte[] proof) {
        byte[] signature = hmac(storedKey, authMessage);
        if (proof.length != signature.length) {
            return false;
        }
        return MessageDigest.isEqual(sha256(xor(proof, signature)), storedKey);
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The bytes of a base64 string; IllegalArgumentException when it is not base64. */
    public static byte[] fromBase64(String text) {
        return Base64.getDecoder().decode(text);
    }

    public static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
