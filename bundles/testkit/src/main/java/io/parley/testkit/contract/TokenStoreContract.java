package io.parley.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link TokenStore} must do, as {@link MessageStoreContract} is for messages: a store's tests
 * extend it with {@link #open} and a static {@code backends()}.
 */
public abstract class TokenStoreContract {

    /** What {@link #open} made: the store under test, the ids of two users it knows, and what closes it all. */
    public record Subject(TokenStore store, long alice, long bob, AutoCloseable closer) {
    }

    /** A fresh, empty store on the backend, in {@code dir} if it keeps files. */
    protected abstract Subject open(String backend, Path dir) throws Exception;

    private static final long HOUR = 3_600_000;

    @TempDir
    protected Path dir;

    private Subject subject;

    @AfterEach
    public void closeSubject() throws Exception {
        if (subject != null) {
            subject.closer().close();
        }
    }

    private TokenStore open(String backend) throws Exception {
        subject = open(backend, dir);
        return subject.store();
    }

    private static StoredToken token(String id, long userId, String device, long expiresAt) {
        return new StoredToken(id, userId, device, expiresAt - HOUR, expiresAt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void aSavedTokenIsFoundAsSavedAndARevokedOneIsGone(String backend) throws Exception {
        TokenStore tokens = open(backend);
        long later = System.currentTimeMillis() + HOUR;
        StoredToken t = token("t1", subject.alice(), "pc", later);
        tokens.save(t);
        assertEquals(t, tokens.find("t1").orElseThrow());
        assertFalse(tokens.find("nope").isPresent());
        tokens.revoke("t1");
        assertFalse(tokens.find("t1").isPresent());
        tokens.revoke("t1"); // revoking twice is no error
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void revokingAllButOneKeepsThatOneAndOtherUsersTokens(String backend) throws Exception {
        TokenStore tokens = open(backend);
        long later = System.currentTimeMillis() + HOUR;
        tokens.save(token("a1", subject.alice(), "pc", later));
        tokens.save(token("a2", subject.alice(), "phone", later));
        tokens.save(token("a3", subject.alice(), "tablet", later));
        tokens.save(token("b1", subject.bob(), "pc", later));
        assertEquals(2, tokens.revokeAllExcept(subject.alice(), "a2"));
        assertFalse(tokens.find("a1").isPresent());
        assertTrue(tokens.find("a2").isPresent());
        assertFalse(tokens.find("a3").isPresent());
        assertTrue(tokens.find("b1").isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    public void purgingRemovesOnlyExpiredTokens(String backend) throws Exception {
        TokenStore tokens = open(backend);
        long now = System.currentTimeMillis();
        tokens.save(token("old", subject.alice(), "pc", now - 1000));
        tokens.save(token("new", subject.alice(), "phone", now + HOUR));
        assertEquals(1, tokens.purgeExpired(now));
        assertFalse(tokens.find("old").isPresent());
        assertTrue(tokens.find("new").isPresent());
    }
}
