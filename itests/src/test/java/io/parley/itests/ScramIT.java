package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.api.account.LoginResponse;
import io.parley.api.store.AccountStore;
import io.parley.client.LoginCache;
import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions.PlainFallback;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * SCRAM-SHA-256 login end to end. {@link RawScram} is a client written from PROTOCOL.md alone, with the
 * JDK's crypto and a plain socket; none of the SDK's or the server's code.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ScramIT extends ParleyTestSupport {

    @Inject
    private AccountStore accountStore;

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    /** A SCRAM client from PROTOCOL.md's section "Logging in without sending the password". */
    static final class RawScram implements AutoCloseable {
        private final Socket socket;
        private final DataOutputStream out;
        private final DataInputStream in;
        private int ids;
        String clientNonce;
        JsonObject start;

        RawScram(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        /** Sends a request (sign 1) and returns the response (sign 2) to it: {status, body}. */
        Object[] call(int type, JsonObject body) throws IOException {
            String id = "r" + ++ids;
            body.addProperty("id", id);
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            out.writeShort(0x504C);
            out.writeByte(1);
            out.writeByte(type);
            out.writeByte(0);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
            while (true) {
                int magic = in.readUnsignedShort();
                assertEquals(0x504C, magic);
                int sign = in.readUnsignedByte();
                in.readUnsignedByte();
                int status = in.readUnsignedByte();
                byte[] answer = new byte[in.readInt()];
                in.readFully(answer);
                if (sign == 2) {
                    return new Object[] {status, JsonParser.parseString(new String(answer, StandardCharsets.UTF_8))
                            .getAsJsonObject()};
                }
            }
        }

        /** AUTH_START (40) with a fresh 24-byte client nonce; the answer's status. */
        int start(String username) throws IOException {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            clientNonce = Base64.getEncoder().encodeToString(random);
            JsonObject body = new JsonObject();
            body.addProperty("username", username);
            body.addProperty("device", "raw");
            body.addProperty("clientNonce", clientNonce);
            Object[] answer = call(40, body);
            start = (JsonObject) answer[1];
            return (int) answer[0];
        }

        String authMessage(String username) {
            String nonce = start.get("nonce").getAsString();
            return "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce + ",r=" + nonce
                    + ",s=" + start.get("salt").getAsString() + ",i=" + start.get("iterations").getAsInt()
                    + ",c=biws,r=" + nonce;
        }

        byte[] saltedPassword(String password) throws Exception {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(
                    start.get("salt").getAsString()), start.get("iterations").getAsInt(), 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        }

        /** AUTH_FINISH (41) with the proof made from the password and the given nonce: {status, body}. */
        Object[] finish(String username, String password, String nonce) throws Exception {
            byte[] clientKey = hmac(saltedPassword(password), "Client Key");
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] signature = hmac(storedKey, authMessage(username));
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            JsonObject body = new JsonObject();
            body.addProperty("nonce", nonce);
            body.addProperty("proof", Base64.getEncoder().encodeToString(proof));
            return call(41, body);
        }

        String expectedServerSignature(String username, String password) throws Exception {
            return Base64.getEncoder().encodeToString(hmac(hmac(saltedPassword(password), "Server Key"),
                    authMessage(username)));
        }

        static byte[] hmac(byte[] key, String message) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int status(Object[] answer) {
        return (int) answer[0];
    }

    private static JsonObject body(Object[] answer) {
        return (JsonObject) answer[1];
    }

    @Test
    public void aClientWrittenFromTheProtocolLogsInAndChecksTheServer() throws Exception {
        String name = registered("raw");
        try (RawScram raw = new RawScram(port())) {
            assertEquals(0, raw.start(name));
            assertTrue(raw.start.get("nonce").getAsString().startsWith(raw.clientNonce));
            assertEquals(10000, raw.start.get("iterations").getAsInt());
            Object[] finished = raw.finish(name, PASSWORD, raw.start.get("nonce").getAsString());
            assertEquals(body(finished).toString(), 0, status(finished));
            assertEquals(raw.expectedServerSignature(name, PASSWORD), body(finished).get("serverSignature").getAsString());
            assertTrue(body(finished).get("userId").getAsLong() > 0);
            assertEquals(0, body(finished).get("seq").getAsLong());
            // Logged in: a request that needs a login is answered.
            assertEquals(0, status(raw.call(14, new JsonObject())));
            // The token resumes on another connection as a LOGIN's does.
            ParleyClient other = client();
            assertEquals(body(finished).get("userId").getAsLong(),
                    await(other.resume(body(finished).get("token").getAsString(), "raw")).userId());
        }
    }

    @Test
    public void aWrongProofIsUnauthenticatedAndTheConnectionStaysLoggedOut() throws Exception {
        String name = registered("wrong");
        try (RawScram raw = new RawScram(port())) {
            assertEquals(0, raw.start(name));
            Object[] finished = raw.finish(name, "not-the-password", raw.start.get("nonce").getAsString());
            assertEquals(Status.UNAUTHENTICATED.code(), status(finished));
            assertFalse(body(finished).has("token"));
            assertEquals(Status.UNAUTHENTICATED.code(), status(raw.call(14, new JsonObject())));
        }
    }

    @Test
    public void anUnknownUserGetsAnAnswerShapedLikeAKnownOne() throws Exception {
        String known = registered("known");
        String unknown = unique("ghost");
        try (RawScram a = new RawScram(port()); RawScram b = new RawScram(port()); RawScram c = new RawScram(port())) {
            assertEquals(0, a.start(known));
            assertEquals(0, b.start(unknown));
            assertEquals(0, c.start(unknown));
            assertEquals("the same salt each time", b.start.get("salt"), c.start.get("salt"));
            assertEquals(a.start.get("salt").getAsString().length(), b.start.get("salt").getAsString().length());
            assertEquals(a.start.get("iterations"), b.start.get("iterations"));
            assertEquals(a.start.get("nonce").getAsString().length(), b.start.get("nonce").getAsString().length());
            assertEquals(a.start.keySet(), b.start.keySet());
            Object[] failedKnown = a.finish(known, "wrong-password", a.start.get("nonce").getAsString());
            Object[] failedUnknown = b.finish(unknown, "wrong-password", b.start.get("nonce").getAsString());
            assertEquals(status(failedKnown), status(failedUnknown));
            assertEquals(body(failedKnown).get("error"), body(failedUnknown).get("error"));
        }
    }

    @Test
    public void aNonceIsGoodForOneFinishOnItsOwnConnection() throws Exception {
        String name = registered("replay");
        try (RawScram first = new RawScram(port()); RawScram second = new RawScram(port())) {
            // AUTH_FINISH with no AUTH_START.
            assertEquals(Status.BAD_REQUEST.code(), status(second.call(41, proofBody("AAAA", "AAAA"))));

            assertEquals(0, first.start(name));
            String nonce = first.start.get("nonce").getAsString();
            assertEquals(0, status(first.finish(name, PASSWORD, nonce)));
            // The same nonce again, on the same connection and on another one: both refused.
            assertEquals(Status.BAD_REQUEST.code(), status(first.finish(name, PASSWORD, nonce)));
            assertEquals(0, second.start(name));
            JsonObject secondStart = second.start;
            second.start = first.start;
            second.clientNonce = first.clientNonce;
            assertEquals("a foreign nonce", Status.BAD_REQUEST.code(), status(second.finish(name, PASSWORD, nonce)));
            // Its own exchange was used up by that attempt: one AUTH_FINISH per AUTH_START.
            second.start = secondStart;
            assertEquals(Status.BAD_REQUEST.code(),
                    status(second.finish(name, PASSWORD, secondStart.get("nonce").getAsString())));
        }
    }

    private static JsonObject proofBody(String nonce, String proof) {
        JsonObject body = new JsonObject();
        body.addProperty("nonce", nonce);
        body.addProperty("proof", proof);
        return body;
    }

    @Test
    public void anAccountFromBeforeScramLogsInAndMovesOver() throws Exception {
        String name = registered("old");
        long id = accountStore.findByUsername(name).orElseThrow().id();
        // As REGISTER stored a password before SCRAM came: PBKDF2-HMAC-SHA512 in the old format.
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        PBEKeySpec spec = new PBEKeySpec(PASSWORD.toCharArray(), salt, 10000, 256);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        accountStore.updatePasswordHash(id, "pbkdf2-sha512$10000$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded()));

        // An SDK that never sends the password cannot log in yet: the server has no SCRAM keys for it.
        ParleyClient strict = await(ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS.withPlainFallback(PlainFallback.NEVER)));
        try {
            assertEquals(Status.UNAUTHENTICATED, failure(strict.login(name, PASSWORD, "pc")).status());
        } finally {
            strict.close();
        }
        // By default the SDK sends the password only over TLS: on plain TCP it stops at the refused proof.
        assertEquals(Status.UNAUTHENTICATED, failure(client().login(name, PASSWORD, "pc")).status());
        // Allowed on plain TCP (loopback here), it tries SCRAM, then LOGIN once; that LOGIN stores the SCRAM keys.
        ParleyClient allowed = await(ParleyClient.connect("127.0.0.1", port(),
                SDK_OPTIONS.withPlainFallback(PlainFallback.ALWAYS)));
        try {
            assertEquals(id, await(allowed.login(name, PASSWORD, "pc")).userId());
        } finally {
            allowed.close();
        }
        assertTrue(accountStore.credentials(name).orElseThrow().passwordHash().startsWith("scram-sha256$"));
        // From now on SCRAM alone logs in.
        assertEquals(id, await(client().loginScram(name, PASSWORD, "pc")).userId());
    }

    @Test
    public void theSdkCachesTheKeysAndKeepsNoPassword() throws Exception {
        String name = registered("cached");
        LoginCache cache = new LoginCache(10);
        ParleyClient first = await(ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS.withLoginCache(cache)));
        ParleyClient second = await(ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS.withLoginCache(cache)));
        try {
            LoginResponse a = await(first.loginScram(name, PASSWORD, "pc"));
            assertEquals(1, cache.size());
            LoginResponse b = await(second.loginScram(name, PASSWORD, "phone"));
            assertEquals(a.userId(), b.userId());
            assertEquals("the same keys served both", 1, cache.size());
            assertNotEquals(a.token(), b.token());
            // A different password is not served from the cache.
            ParleyClient third = await(ParleyClient.connect("127.0.0.1", port(),
                    SDK_OPTIONS.withLoginCache(cache).withPlainFallback(PlainFallback.NEVER)));
            try {
                assertEquals(Status.UNAUTHENTICATED, failure(third.login(name, "password-2", "tab")).status());
            } finally {
                third.close();
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    public void aLoginStormOfScramLoginsNeedsNoHashOnTheServer() throws Exception {
        // Not a benchmark (bench/ measures rates): a check that a burst of SCRAM logins from one address is
        // not held back by the password-hash limits, which count the server's own PBKDF2 runs only.
        String name = registered("storm");
        LoginCache cache = new LoginCache(10);
        for (int i = 0; i < 30; i++) {
            ParleyClient c = await(ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS.withLoginCache(cache)));
            try {
                assertTrue(c.loginScram(name, PASSWORD, "d" + i).get(15, TimeUnit.SECONDS).userId() > 0);
            } finally {
                c.close();
            }
        }
    }
}
