package io.parley.itests;

import static io.parley.testkit.wire.WireClient.json;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import io.parley.api.session.PresenceService;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import io.parley.testkit.wire.WireClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** What the server does with broken, hostile or premature input, byte by byte over a real socket. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadInputIT extends ParleyTestSupport {

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    private static void assertStatus(Status expected, Frame response) {
        assertEquals(response.bodyText(), expected.code(), response.status());
        if (expected != Status.OK) {
            String error = json(response).get("error").getAsString();
            assertFalse("a sentence, not a stack trace: " + error, error.contains("Exception") || error.contains("\tat "));
            assertTrue(error.length() > 5);
        }
    }

    /** The connection still answers after the bad input. */
    private static void assertStillWorks(WireClient c) throws Exception {
        c.request(Types.PING, "{\"id\":\"still\"}");
        Frame pong = c.response();
        assertEquals(Status.OK.code(), pong.status());
        assertEquals("still", json(pong).get("id").getAsString());
    }

    private WireClient loggedIn() throws Exception {
        String name = unique("wire");
        WireClient c = new WireClient(port());
        c.request(Types.REGISTER, "{\"id\":\"r\",\"username\":\"" + name + "\",\"password\":\"password-1\"}");
        assertStatus(Status.OK, c.response());
        c.request(Types.LOGIN, "{\"id\":\"l\",\"username\":\"" + name + "\",\"password\":\"password-1\",\"device\":\"pc\"}");
        assertStatus(Status.OK, c.response());
        return c;
    }

    @Test
    public void badMagicClosesAtOnce() throws Exception {
        try (WireClient c = new WireClient(port())) {
            c.writeRaw("GET / HTTP/1.1\r\n\r\n".getBytes());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    public void oversizedOrNegativeLengthClosesWithoutReadingTheBody() throws Exception {
        for (int length : new int[] {65537, Integer.MAX_VALUE, -1}) {
            try (WireClient c = new WireClient(port())) {
                c.writeHeader(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, length);
                assertTrue("closed for length " + length, c.closedByServer());
            }
        }
    }

    @Test
    public void maxBodyIsAccepted() throws Exception {
        try (WireClient c = new WireClient(port())) {
            String padding = " ".repeat(65536 - "{\"id\":\"big\"}".length());
            c.request(Types.PING, "{\"id\":\"big\"}" + padding);
            assertEquals("big", json(c.response()).get("id").getAsString());
        }
    }

    @Test
    public void malformedBodiesAnswerBadRequestAndTheConnectionLives() throws Exception {
        try (WireClient c = new WireClient(port())) {
            String[] bodies = {"{not json", "[1,2,3]", "", "{\"username\":\"x\"}", "{\"id\":42}",
                "{\"id\":\"" + "x".repeat(65) + "\"}"};
            for (String body : bodies) {
                c.request(Types.REGISTER, body);
                Frame r = c.response();
                assertStatus(Status.BAD_REQUEST, r);
                assertFalse("no id to echo for: " + body, json(r).has("id"));
            }
            c.request(Types.REGISTER, "{\"id\":\"t1\",\"username\":123,\"password\":\"password-1\"}");
            Frame wrongType = c.response();
            assertStatus(Status.BAD_REQUEST, wrongType);
            assertEquals("t1", json(wrongType).get("id").getAsString());
            assertTrue(json(wrongType).get("error").getAsString().contains("username"));

            c.request(Types.REGISTER, "{\"id\":\"t2\",\"username\":\"someone\"}");
            Frame missing = c.response();
            assertStatus(Status.BAD_REQUEST, missing);
            assertTrue(json(missing).get("error").getAsString().contains("password"));

            c.request(Types.REGISTER, "{\"id\":\"t3\",\"username\":\"no spaces allowed\",\"password\":\"password-1\"}");
            assertStatus(Status.BAD_REQUEST, c.response());
            c.writeRaw(new byte[] {0x50, 0x4C, 1, Types.REGISTER, 0, 0, 0, 0, 7, '{', '"', (byte) 0xC3, '"', ':', '1', '}'});
            assertStatus(Status.BAD_REQUEST, c.response());
            assertStillWorks(c);
        }
    }

    @Test
    public void framesThatAreNotRequestsAreRefused() throws Exception {
        try (WireClient c = new WireClient(port())) {
            c.send(Sign.RESPONSE, Types.LOGIN, "{\"id\":\"s\"}");
            Frame r = c.response();
            assertStatus(Status.BAD_REQUEST, r);
            assertEquals("s", json(r).get("id").getAsString());
            assertStillWorks(c);
        }
    }

    @Test
    public void everythingButPingRegisterLoginResumeNeedsALogin() throws Exception {
        try (WireClient c = new WireClient(port())) {
            for (int type : new int[] {Types.LOGOUT, Types.PROFILE_GET, Types.PROFILE_UPDATE, Types.PASSWORD_CHANGE,
                Types.MSG_SEND, Types.GROUP_CREATE, 200}) {
                c.request(type, "{\"id\":\"g" + type + "\",\"username\":\"x\"}");
                Frame r = c.response();
                assertStatus(Status.UNAUTHENTICATED, r);
                assertEquals("g" + type, json(r).get("id").getAsString());
            }
            c.request(Types.PING, "");
            Frame emptyPong = c.response();
            assertEquals(0, emptyPong.body().length);
            assertStillWorks(c);
        }
    }

    @Test
    public void unknownTypesAnswerUnsupportedAfterLogin() throws Exception {
        try (WireClient c = loggedIn()) {
            for (int type : new int[] {63, 64, 127, 200, 255}) {
                c.request(type, "{\"id\":\"u" + type + "\"}");
                Frame r = c.response();
                assertStatus(Status.UNSUPPORTED, r);
                assertEquals(type, r.type());
            }
            assertStillWorks(c);
        }
    }

    @Test
    public void duplicateUsernameConflictsIgnoringCase() throws Exception {
        String name = unique("dup");
        try (WireClient c = new WireClient(port())) {
            c.request(Types.REGISTER, "{\"id\":\"1\",\"username\":\"" + name + "\",\"password\":\"password-1\"}");
            assertStatus(Status.OK, c.response());
            c.request(Types.REGISTER, "{\"id\":\"2\",\"username\":\"" + name.toUpperCase() + "\",\"password\":\"password-1\"}");
            assertStatus(Status.CONFLICT, c.response());
        }
    }

    @Test
    public void aNicknameLongerThanItsColumnIsABadRequestBeforeAnyHash() throws Exception {
        // 40 emoji: 40 characters, 80 UTF-16 units; H2's VARCHAR(64) holds 64 units. It answered INTERNAL after a
        // full password hash, uncounted by the registration limit.
        try (WireClient c = new WireClient(port())) {
            for (String field : new String[] {"nickname"}) {
                c.request(Types.REGISTER, "{\"id\":\"e\",\"username\":\"" + unique("emoji") + "\",\"password\":"
                        + "\"password-1\",\"" + field + "\":\"" + "😀".repeat(40) + "\"}");
                Frame r = c.response();
                assertStatus(Status.BAD_REQUEST, r);
                assertTrue(json(r).get("error").getAsString(), json(r).get("error").getAsString().contains("64"));
            }
            String name = unique("emoji");
            c.request(Types.REGISTER, "{\"id\":\"ok\",\"username\":\"" + name + "\",\"password\":"
                    + "\"password-1\",\"nickname\":\"" + "😀".repeat(32) + "\"}");
            assertStatus(Status.OK, c.response());
            c.request(Types.LOGIN, "{\"id\":\"l\",\"username\":\"" + name + "\",\"password\":\"password-1\","
                    + "\"device\":\"pc\"}");
            assertStatus(Status.OK, c.response());
            c.request(Types.PROFILE_UPDATE, "{\"id\":\"p\",\"signature\":\"" + "😀".repeat(129) + "\"}");
            assertStatus(Status.BAD_REQUEST, c.response());
            c.request(Types.GROUP_CREATE, "{\"id\":\"g\",\"name\":\"" + "😀".repeat(33) + "\",\"members\":[]}");
            assertStatus(Status.BAD_REQUEST, c.response());
            c.request(Types.FRIEND_ADD, "{\"id\":\"f\",\"username\":\"" + name + "x\",\"note\":\""
                    + "😀".repeat(129) + "\"}");
            assertStatus(Status.BAD_REQUEST, c.response());
            assertStillWorks(c);
        }
    }

    @Test
    public void wrongPasswordAnswersLikeAnUnknownUser() throws Exception {
        String name = unique("pw");
        try (WireClient c = new WireClient(port())) {
            c.request(Types.REGISTER, "{\"id\":\"1\",\"username\":\"" + name + "\",\"password\":\"password-1\"}");
            assertStatus(Status.OK, c.response());
            c.request(Types.LOGIN, "{\"id\":\"2\",\"username\":\"" + name + "\",\"password\":\"password-X\",\"device\":\"pc\"}");
            Frame wrong = c.response();
            c.request(Types.LOGIN, "{\"id\":\"3\",\"username\":\"" + unique("nobody") + "\",\"password\":\"password-X\",\"device\":\"pc\"}");
            Frame unknown = c.response();
            assertStatus(Status.UNAUTHENTICATED, wrong);
            assertStatus(Status.UNAUTHENTICATED, unknown);
            assertEquals(json(wrong).get("error"), json(unknown).get("error"));
            assertFalse(json(wrong).toString().contains("password-1"));
        }
    }

    @Test
    public void aFloodOfFailedLoginsIsRateLimited() throws Exception {
        String name = unique("flood");
        try (WireClient c = new WireClient(port())) {
            c.request(Types.REGISTER, "{\"id\":\"r\",\"username\":\"" + name + "\",\"password\":\"password-1\"}");
            assertStatus(Status.OK, c.response());
            Map<Integer, Integer> counts = new HashMap<>();
            JsonObject limited = null;
            for (int i = 0; i < 8; i++) {
                c.request(Types.LOGIN, "{\"id\":\"f" + i + "\",\"username\":\"" + name
                        + "\",\"password\":\"wrong-pass\",\"device\":\"pc\"}");
                Frame r = c.response();
                counts.merge(r.status(), 1, Integer::sum);
                if (r.status() == Status.RATE_LIMITED.code()) {
                    limited = json(r);
                }
            }
            assertEquals("5 failures are allowed in the window", Integer.valueOf(5), counts.get(Status.UNAUTHENTICATED.code()));
            assertEquals(Integer.valueOf(3), counts.get(Status.RATE_LIMITED.code()));
            assertTrue(limited.get("retryAfterMs").getAsLong() > 0);
            c.request(Types.LOGIN, "{\"id\":\"ok\",\"username\":\"" + name + "\",\"password\":\"password-1\",\"device\":\"pc\"}");
            assertStatus(Status.RATE_LIMITED, c.response());
            assertStillWorks(c);
        }
    }

    @Test
    public void tooManyPipelinedRequestsAnswerRateLimitedAndEveryRequestGetsOneAnswer() throws Exception {
        try (WireClient c = new WireClient(port())) {
            int n = 300;
            for (int i = 0; i < n; i++) {
                c.request(Types.REGISTER, "{\"id\":\"p" + i + "\",\"username\":\"" + unique("pipe") + i
                        + "\",\"password\":\"password-1\"}");
            }
            Map<String, Integer> answers = new HashMap<>();
            int rateLimited = 0;
            for (int i = 0; i < n; i++) {
                Frame r = c.response();
                answers.merge(json(r).get("id").getAsString(), 1, Integer::sum);
                if (r.status() == Status.RATE_LIMITED.code()) {
                    rateLimited++;
                } else {
                    assertStatus(Status.OK, r);
                }
            }
            assertEquals(n, answers.size());
            assertTrue(answers.values().stream().allMatch(v -> v == 1));
            assertTrue("some requests beyond the 64 waiting were refused: " + rateLimited, rateLimited > 0);
            assertStillWorks(c);
        }
    }

    @Test
    public void aClientThatNeverReadsItsAnswersIsNotBufferedWithoutBoundAndIsClosed() throws Exception {
        // Pings with 1 KiB ids, whose answers echo them, written without ever reading: the server must stop
        // reading this connection rather than keep every answer in its memory.
        Object[] pings = new Object[2 * 64];
        for (int i = 0; i < pings.length; i += 2) {
            pings[i] = Types.PING;
            pings[i + 1] = "{\"id\":\"" + "p".repeat(1024) + "\"}";
        }
        byte[] bytes = WireClient.requests(pings);
        // What the kernel can hold is bounded by its buffer limits (about 90 MiB were written here before
        // the writes stalled); the server's own write buffer stops at 1 MiB.
        long limit = 256L << 20;
        AtomicLong written = new AtomicLong();
        String name = unique("stuck");
        try (WireClient c = new WireClient(port(), 64 * 1024)) {
            c.request(Types.REGISTER, "{\"id\":\"r\",\"username\":\"" + name + "\",\"password\":\"password-1\"}");
            assertStatus(Status.OK, c.response());
            c.request(Types.LOGIN, "{\"id\":\"l\",\"username\":\"" + name
                    + "\",\"password\":\"password-1\",\"device\":\"pc\"}");
            long userId = json(c.response()).get("userId").getAsLong();
            PresenceService presence = context.getService(context.getServiceReference(PresenceService.class));
            assertTrue(presence.isOnline(userId));
            Thread writer = new Thread(() -> {
                try {
                    while (written.get() < limit) {
                        c.writeRaw(bytes);
                        written.addAndGet(bytes.length);
                    }
                } catch (IOException e) {
                    // Reset by the server, or closed by this test.
                }
            });
            writer.setDaemon(true);
            writer.start();
            // Stuck: no heartbeat is read any more, so the server closes it after its missed heartbeats.
            awaitTrue("the stuck connection is closed", Duration.ofSeconds(20), () -> !presence.isOnline(userId));
            assertTrue("the server read all " + written.get() + " bytes of a client that never reads",
                    written.get() < limit);
            try (WireClient other = loggedIn()) {
                assertStillWorks(other);
            }
        }
    }

    @Test
    public void aConnectionThatDoesNotLogInIsClosedAfterTheDeadline() throws Exception {
        try (WireClient c = new WireClient(port())) {
            c.request(Types.PING, "{\"id\":\"1\"}");
            c.response();
            long start = System.nanoTime();
            Frame kicked = c.read();
            assertEquals(Sign.NOTICE, kicked.sign());
            assertEquals(Types.KICKED, kicked.type());
            assertTrue(json(kicked).get("reason").getAsString().contains("login"));
            assertTrue(c.closedByServer());
            assertTrue("closed about 3 s after connecting", System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    public void aSilentLoggedInConnectionIsClosedAfterThreeMissedHeartbeats() throws Exception {
        try (WireClient c = loggedIn()) {
            long start = System.nanoTime();
            Frame kicked = c.read();
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(Types.KICKED, kicked.type());
            assertTrue(json(kicked).get("reason").getAsString().contains("heartbeat"));
            assertTrue(c.closedByServer());
            assertTrue("closed after about " + READ_IDLE_SECONDS * MISSES + " s, was " + seconds,
                    seconds >= READ_IDLE_SECONDS * MISSES - 1 && seconds <= READ_IDLE_SECONDS * MISSES + 1);
        }
    }
}
