package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The example exchange of RFC 7677 section 3 (user "user", password "pencil"): its AuthMessage has the shape
 * PROTOCOL.md gives, so its proof and server signature are what Parley's arithmetic must produce.
 */
class ScramTest {

    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String NONCE = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private static final String RFC_AUTH_MESSAGE = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    @Test
    void theRfc7677ExampleComesOut() {
        String authMessage = Scram.authMessage("user", CLIENT_NONCE, NONCE, SALT, 4096);
        assertEquals(RFC_AUTH_MESSAGE, authMessage);
        byte[] salted = Scram.saltedPassword("pencil", Scram.fromBase64(SALT), 4096);
        byte[] proof = Scram.proof(Scram.clientKey(salted), authMessage);
        assertEquals("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Scram.base64(proof));
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Scram.base64(Scram.serverSignature(Scram.serverKey(salted), authMessage)));
    }

    @Test
    void theServerAcceptsTheRightProofOnly() {
        byte[] salted = Scram.saltedPassword("pencil", Scram.fromBase64(SALT), 4096);
        byte[] storedKey = Scram.storedKey(Scram.clientKey(salted));
        byte[] proof = Scram.proof(Scram.clientKey(salted), RFC_AUTH_MESSAGE);
        assertTrue(Scram.verify(storedKey, RFC_AUTH_MESSAGE, proof));

        byte[] flipped = proof.clone();
        flipped[0] ^= 1;
        assertFalse(Scram.verify(storedKey, RFC_AUTH_MESSAGE, flipped));
        assertFalse(Scram.verify(storedKey, RFC_AUTH_MESSAGE.replace("i=4096", "i=4097"), proof), "another message");
        assertFalse(Scram.verify(storedKey, RFC_AUTH_MESSAGE, new byte[5]), "a short proof");
        byte[] wrong = Scram.proof(Scram.clientKey(Scram.saltedPassword("pencil2", Scram.fromBase64(SALT), 4096)),
                RFC_AUTH_MESSAGE);
        assertFalse(Scram.verify(storedKey, RFC_AUTH_MESSAGE, wrong), "another password");
    }

    @Test
    void separatorsInTheUsernameAreEscaped() {
        assertEquals("n=a=3Db=2Cc,r=x,r=xy,s=s,i=1,c=biws,r=xy", Scram.authMessage("a=b,c", "x", "xy", "s", 1));
        assertArrayEquals(new byte[] {1, 2}, Scram.fromBase64(Scram.base64(new byte[] {1, 2})));
    }
}
