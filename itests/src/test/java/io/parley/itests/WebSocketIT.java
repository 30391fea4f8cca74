package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.protocol.Frame;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Parley over WebSocket at /ws on the HTTP port: the same requests, sessions and limits as TCP (a WebSocket user
 * and a TCP user chat both ways), and the answers PROTOCOL.md gives to what a hostile or broken WebSocket client
 * sends: a text message or one that is not exactly one frame closes with 1003, a frame over maxBody with 1009, an
 * upgrade from a foreign page's Origin is refused with 403, and upgrades that never log in meet the login
 * deadline, while a TCP user's chat goes on. The raw clients here are the JDK's own WebSocket, not the SDK.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebSocketIT extends ParleyTestSupport {

    /** The test setup's maxBody, small enough to send a frame over it cheaply. */
    private static final int MAX_BODY = 4096;

    @Override
    protected Map<String, String> transportExtras() {
        // Heartbeats allow 10 s here, so that an idle upgrade is closed by the login deadline (3 s) alone.
        return Map.of("maxBody", Integer.toString(MAX_BODY), "heartbeatReadIdleSeconds", "2", "heartbeatMisses", "5");
    }

    @Override
    protected Map<String, String> websocketExtras() {
        return Map.of("allowedOrigins", "https://chat.example.org");
    }

    private static URI ws() {
        return URI.create("ws://127.0.0.1:" + httpPort() + "/ws");
    }

    private void awaitHttp() throws InterruptedException {
        awaitServer();
        awaitTrue("the HTTP port to open", Duration.ofSeconds(20), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", httpPort())) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private ParleyClient wsClient() throws Exception {
        return ParleyClient.connectWebSocket(ws(), SDK_OPTIONS).get(10, TimeUnit.SECONDS);
    }

    /** A JDK WebSocket that records what it is sent and how it ends. */
    private static final class Recorder implements WebSocket.Listener {
        final List<Frame> frames = new ArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        volatile String closeReason = "";
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.write(bytes, 0, bytes.length);
            if (last) {
                ByteBuffer whole = ByteBuffer.wrap(partial.toByteArray());
                partial.reset();
                int sign = whole.get(2) & 0xff;
                int type = whole.get(3) & 0xff;
                int status = whole.get(4) & 0xff;
                byte[] body = new byte[whole.getInt(5)];
                whole.position(Frame.HEADER_LENGTH);
                whole.get(body);
                synchronized (frames) {
                    frames.add(new Frame(sign, type, status, body));
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closeCode.complete(-1);
        }

        List<Frame> frames() {
            synchronized (frames) {
                return new ArrayList<>(frames);
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static WebSocket open(Recorder recorder) throws Exception {
        return HTTP.newWebSocketBuilder().buildAsync(ws(), recorder).get(10, TimeUnit.SECONDS);
    }

    private static ByteBuffer frame(int type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(Frame.HEADER_LENGTH + b.length);
        buf.putShort((short) Frame.MAGIC).put((byte) 1).put((byte) type).put((byte) 0).putInt(b.length).put(b);
        return buf.flip();
    }

    private static void assertClosedWith(Recorder recorder, int code) throws Exception {
        assertEquals("close code (" + recorder.closeReason + ")", code,
                (int) recorder.closeCode.get(10, TimeUnit.SECONDS));
        assertFalse("the close says why", recorder.closeReason.isBlank());
    }

    /** A TCP user still chats, unhurt: run after every bad input. */
    private void tcpUsersStillChat() throws Exception {
        String a = registered("wtcpa");
        String b = registered("wtcpb");
        ParleyClient ca = client();
        ParleyClient cb = client();
        loginWhenReady(ca, a, PASSWORD, "pc");
        loginWhenReady(cb, b, PASSWORD, "pc");
        await(ca.addFriend(b, null));
        await(cb.acceptFriend(a));
        await(ca.sendMessage(b, "still here", "c1"));
        assertEquals("still here", await(cb.pull(0, null)).messages().get(0).text());
    }

    @Test
    public void aWebSocketUserAndATcpUserChatBothWays() throws Exception {
        awaitHttp();
        String web = registered("wweb");
        String tcp = registered("wtcp");
        try (ParleyClient w = wsClient()) {
            ParleyClient t = client();
            loginWhenReady(w, web, PASSWORD, "browser");
            loginWhenReady(t, tcp, PASSWORD, "pc");
            assertEquals("pending", await(w.addFriend(tcp, null)));
            await(t.acceptFriend(web));
            await(w.sendMessage(tcp, "from the browser", "w1"));
            await(t.sendMessage(web, "from the terminal", "t1"));
            List<InboxEntry> atTcp = await(t.pull(0, null)).messages();
            List<InboxEntry> atWeb = await(w.pull(0, null)).messages();
            assertEquals("from the browser", atTcp.get(0).text());
            assertEquals(web, atTcp.get(0).from());
            assertEquals(List.of("from the browser", "from the terminal"),
                    atWeb.stream().map(InboxEntry::text).toList());
            // One user on both carriers at once: a TCP device and a WebSocket device.
            try (ParleyClient tcpDevice = ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS).get(10, TimeUnit.SECONDS)) {
                loginWhenReady(tcpDevice, web, PASSWORD, "pc");
                await(t.sendMessage(web, "to both devices", "t2"));
                assertEquals("to both devices", await(tcpDevice.pull(2, null)).messages().get(0).text());
                assertEquals("to both devices", await(w.pull(2, null)).messages().get(0).text());
            }
        }
    }

    @Test
    public void theWebClientIsServedWithAPolicyThatForbidsInlineScripts() throws Exception {
        awaitHttp();
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\">"));
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy, policy.contains("script-src 'self'"));
        assertFalse(policy, policy.contains("unsafe-inline"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        HttpResponse<String> script = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort() + "/app.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        for (String path : new String[] {"/../etc/passwd", "/web/app.js", "/%2e%2e/app.js", "/nothing.js", "/OSGI-INF"}) {
            HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(path, 404, missing.statusCode());
        }
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    public void aTextMessageClosesWith1003() throws Exception {
        awaitHttp();
        Recorder r = new Recorder();
        open(r).sendText("{\"id\":\"1\"}", true);
        assertClosedWith(r, 1003);
        tcpUsersStillChat();
    }

    @Test
    public void aMessageHoldingHalfAFrameClosesWith1003() throws Exception {
        awaitHttp();
        Recorder r = new Recorder();
        ByteBuffer whole = frame(Types.PING, "{\"id\":\"p\"}");
        open(r).sendBinary(whole.limit(whole.limit() - 3), true);
        assertClosedWith(r, 1003);
    }

    @Test
    public void aMessageHoldingTwoFramesClosesWith1003() throws Exception {
        awaitHttp();
        Recorder r = new Recorder();
        ByteBuffer one = frame(Types.PING, "{\"id\":\"p1\"}");
        ByteBuffer two = frame(Types.PING, "{\"id\":\"p2\"}");
        ByteBuffer both = ByteBuffer.allocate(one.remaining() + two.remaining()).put(one).put(two).flip();
        open(r).sendBinary(both, true);
        assertClosedWith(r, 1003);
        assertTrue("nothing of either frame was answered", r.frames().isEmpty());
    }

    @Test
    public void oneFrameInFragmentsIsOneRequest() throws Exception {
        awaitHttp();
        Recorder r = new Recorder();
        WebSocket socket = open(r);
        ByteBuffer whole = frame(Types.PING, "{\"id\":\"frag\"}");
        ByteBuffer first = whole.duplicate().limit(4);
        ByteBuffer rest = whole.duplicate().position(4);
        socket.sendBinary(first, false).get(5, TimeUnit.SECONDS);
        socket.sendBinary(rest, true).get(5, TimeUnit.SECONDS);
        awaitTrue("the PING's answer", Duration.ofSeconds(10), () -> !r.frames().isEmpty());
        Frame answer = r.frames().get(0);
        assertEquals(Types.PING, answer.type());
        assertEquals(2, answer.sign());
        assertTrue(answer.bodyText(), answer.bodyText().contains("\"frag\""));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        assertEquals(1000, (int) r.closeCode.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void aFrameOverMaxBodyClosesWith1009() throws Exception {
        awaitHttp();
        // One message with a header and body longer than maxBody.
        Recorder r = new Recorder();
        open(r).sendBinary(frame(Types.PING, "{\"id\":\"" + "x".repeat(MAX_BODY) + "\"}"), true);
        assertClosedWith(r, 1009);
        // The same in small fragments: refused once the whole passes the limit.
        Recorder fragments = new Recorder();
        WebSocket socket = open(fragments);
        ByteBuffer big = frame(Types.PING, "{\"id\":\"" + "y".repeat(MAX_BODY) + "\"}");
        try {
            while (big.remaining() > 0) {
                ByteBuffer part = big.duplicate().limit(Math.min(big.limit(), big.position() + 1000));
                big.position(part.limit());
                socket.sendBinary(part, big.remaining() == 0).get(5, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            // The server may close before the last fragment is sent.
        }
        assertClosedWith(fragments, 1009);
        tcpUsersStillChat();
    }

    @Test
    public void anUpgradeFromAForeignOriginIsRefused() throws Exception {
        awaitHttp();
        try {
            HTTP.newWebSocketBuilder().header("Origin", "https://evil.example.com")
                    .buildAsync(ws(), new Recorder()).get(10, TimeUnit.SECONDS);
            fail("a foreign page opened a WebSocket");
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof WebSocketHandshakeException);
            assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
        // The server's own origin, and the configured one, may.
        for (String origin : new String[] {"http://127.0.0.1:" + httpPort(), "https://chat.example.org"}) {
            Recorder r = new Recorder();
            WebSocket socket = HTTP.newWebSocketBuilder().header("Origin", origin).buildAsync(ws(), r)
                    .get(10, TimeUnit.SECONDS);
            socket.sendBinary(frame(Types.PING, "{\"id\":\"o\"}"), true);
            awaitTrue("an answer over a WebSocket from " + origin, Duration.ofSeconds(10), () -> !r.frames().isEmpty());
            socket.abort();
        }
    }

    /**
     * Many upgrades that never log in: each is closed at the login deadline (3 s here) with a KICKED notice that
     * says so, and a TCP user chats meanwhile. 10,000 in waves of 1,000, as fds allow (server and clients share
     * this process).
     */
    @Test
    public void tenThousandIdleUpgradesMeetTheLoginDeadline() throws Exception {
        awaitHttp();
        int total = 10_000;
        int wave = 1_000;
        int kicked = 0;
        for (int start = 0; start < total; start += wave) {
            List<Recorder> recorders = new ArrayList<>();
            List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < wave; i++) {
                Recorder r = new Recorder();
                recorders.add(r);
                sockets.add(HTTP.newWebSocketBuilder().buildAsync(ws(), r));
            }
            for (CompletableFuture<WebSocket> s : sockets) {
                s.get(30, TimeUnit.SECONDS);
            }
            if (start == 0) {
                tcpUsersStillChat();
            }
            for (Recorder r : recorders) {
                assertEquals("closed by the server", 1000, (int) r.closeCode.get(30, TimeUnit.SECONDS));
                List<Frame> got = r.frames();
                if (!got.isEmpty() && got.get(0).type() == Types.KICKED
                        && got.get(0).bodyText().contains("No login within")) {
                    kicked++;
                }
            }
        }
        assertEquals("every idle upgrade was told why it was closed", total, kicked);
        tcpUsersStillChat();
    }
}
