package io.parley.client;

import io.parley.protocol.Scram;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the keys a SCRAM login derived from a password (ClientKey and ServerKey), per server, user, salt
 * and iterations, so that logging in again skips the costly PBKDF2. The keys log in as well as the password
 * does on that server, so the cache lives in memory only; share one between the clients of a process with
 * {@link ParleyClientOptions#withLoginCache}. At most {@code maxEntries}, the least recently used go first.
 */
public final class LoginCache {

    private final int maxEntries;
    private final Map<String, Keys> keys;

    /** The keys of one password for one salt and iteration count. */
    record Keys(byte[] clientKey, byte[] serverKey) {
    }

    public LoginCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        this.keys = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Keys> eldest) {
                return size() > LoginCache.this.maxEntries;
            }
        };
    }

    /** The keys for this password, derived now or found from an earlier login. */
    Keys keys(String server, String username, String password, String salt, int iterations) {
        String key = server + '\n' + username + '\n' + salt + '\n' + iterations + '\n' + fingerprint(salt, password);
        synchronized (keys) {
            Keys known = keys.get(key);
            if (known != null) {
                return known;
            }
        }
        Keys derived = derive(password, salt, iterations);
        synchronized (keys) {
            keys.put(key, derived);
        }
        return derived;
    }

    /** Without a cache: the keys derived from the password, every time. */
    static Keys derive(String password, String salt, int iterations) {
        byte[] salted = Scram.saltedPassword(password, Scram.fromBase64(salt), iterations);
        return new Keys(Scram.clientKey(salted), Scram.serverKey(salted));
    }

    /** Tells one password from another without keeping it: a typo must not log in from the cache. */
    private static String fingerprint(String salt, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.UTF_8));
            return Scram.base64(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int size() {
        synchronized (keys) {
            return keys.size();
        }
    }
}
