package io.parley.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.parley.api.web.WebFiles;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpRoutesTest {

    private static final WebFiles SITE = path -> Optional.ofNullable(HttpRoutesTest.class.getResource("/site/" + path));

    private static EmbeddedChannel channel(StaticFiles files) {
        return new EmbeddedChannel(new HttpRoutes(Origins.parse("https://chat.example.org"), files, false));
    }

    private static StaticFiles installed() {
        StaticFiles files = new StaticFiles();
        files.use(SITE);
        return files;
    }

    private static FullHttpRequest get(String uri) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("Host", "parley.example.org:7780");
        return r;
    }

    private static FullHttpRequest upgrade(String origin) {
        FullHttpRequest r = get("/ws");
        r.headers().set("Upgrade", "websocket").set("Connection", "Upgrade").set("Sec-WebSocket-Version", "13")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        if (origin != null) {
            r.headers().set("Origin", origin);
        }
        return r;
    }

    private static FullHttpResponse answer(EmbeddedChannel ch) {
        return ch.readOutbound();
    }

    @Test
    void servesTheClientsFilesWithItsPolicy() {
        EmbeddedChannel ch = channel(installed());
        ch.writeInbound(get("/"));
        FullHttpResponse r = answer(ch);
        assertEquals(200, r.status().code());
        assertEquals("text/html; charset=utf-8", r.headers().get("Content-Type"));
        assertTrue(r.headers().get("Content-Security-Policy").contains("script-src 'self'"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        assertTrue(r.content().toString(StandardCharsets.UTF_8).contains("test page"));
        r.release();
        assertTrue(ch.isOpen(), "keep-alive");
    }

    @Test
    void refusesPathsOutOfTheSiteAndUnknownTypes() {
        for (String path : new String[] {"/../x.html", "/a/../../x.html", "/x.class", "/%2e%2e/x.html", "/a\\b.html",
            "//x.html", "/missing.html"}) {
            EmbeddedChannel ch = channel(installed());
            ch.writeInbound(get(path));
            FullHttpResponse r = answer(ch);
            assertEquals(404, r.status().code(), path);
            r.release();
        }
    }

    @Test
    void aPathThatCannotBeDecodedIs400AndItsRequestIsReleased() {
        EmbeddedChannel ch = channel(installed());
        FullHttpRequest bad = get("/%zz");
        ch.writeInbound(bad);
        FullHttpResponse r = answer(ch);
        assertEquals(400, r.status().code());
        r.release();
        assertEquals(0, bad.refCnt());
        assertFalse(ch.isOpen());
    }

    @Test
    void otherMethodsAre405() {
        EmbeddedChannel ch = channel(installed());
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.copiedBuffer("x",
                StandardCharsets.UTF_8)));
        FullHttpResponse r = answer(ch);
        assertEquals(405, r.status().code());
        assertEquals("GET, HEAD", r.headers().get("Allow"));
        r.release();
    }

    @Test
    void withoutTheClientInstalledSlashSaysSo() {
        EmbeddedChannel ch = channel(new StaticFiles());
        ch.writeInbound(get("/"));
        FullHttpResponse r = answer(ch);
        assertEquals(404, r.status().code());
        assertTrue(r.content().toString(StandardCharsets.UTF_8).contains("not installed"));
        r.release();
    }

    @Test
    void anUpgradeFromTheServersOwnOrAnAllowedOriginOrNoneGoesOnToTheHandshake() {
        for (String origin : new String[] {"http://parley.example.org:7780", "https://chat.example.org", null}) {
            EmbeddedChannel ch = channel(installed());
            ch.writeInbound(upgrade(origin));
            FullHttpRequest passed = ch.readInbound();
            assertEquals("/ws", passed.uri(), String.valueOf(origin));
            passed.release();
            assertNull(ch.readOutbound());
        }
    }

    @Test
    void anUpgradeFromAForeignOriginIs403() {
        for (String origin : new String[] {"https://evil.example.com", "null", "http://parley.example.org:7781",
            "https://parley.example.org:7780"}) {
            EmbeddedChannel ch = channel(installed());
            FullHttpRequest request = upgrade(origin);
            ch.writeInbound(request);
            FullHttpResponse r = answer(ch);
            assertEquals(403, r.status().code(), origin);
            r.release();
            assertNull(ch.readInbound());
            assertEquals(0, request.refCnt());
        }
    }

    @Test
    void onlyVersion13AndOnlyTheExactPathUpgrade() {
        EmbeddedChannel ch = channel(installed());
        FullHttpRequest old = upgrade(null);
        old.headers().set("Sec-WebSocket-Version", "8");
        ch.writeInbound(old);
        FullHttpResponse r = answer(ch);
        assertEquals(426, r.status().code());
        assertEquals("13", r.headers().get("Sec-WebSocket-Version"));
        r.release();
        // /ws with a query or escaped: not the endpoint, so an answer rather than a request left hanging.
        for (String uri : new String[] {"/ws?x", "/%77s"}) {
            EmbeddedChannel other = channel(installed());
            other.writeInbound(get(uri));
            FullHttpResponse missing = answer(other);
            assertEquals(404, missing.status().code(), uri);
            missing.release();
            assertNull(other.readInbound());
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsClosedAfterAFew() {
        EmbeddedChannel ch = channel(installed());
        // Writes that never complete: a peer that reads nothing.
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
            }
        });
        for (int i = 0; i < HttpRoutes.MAX_UNANSWERED; i++) {
            ch.writeInbound(get("/"));
            assertTrue(ch.isOpen());
            assertFalse(ch.config().isAutoRead(), "not read while an answer waits");
        }
        ch.writeInbound(get("/"));
        assertFalse(ch.isOpen());
    }

    @Test
    void pingsAreAnsweredOnlyWhileThePeerReadsAndAskForNoRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new io.parley.protocol.codec.WebSocketControlFrames());
        ch.config().setAutoRead(false);
        PingWebSocketFrame ping = new PingWebSocketFrame(Unpooled.copiedBuffer("p", StandardCharsets.UTF_8));
        ch.writeInbound(ping);
        PongWebSocketFrame pong = ch.readOutbound();
        assertEquals("p", pong.content().toString(StandardCharsets.UTF_8));
        pong.release();
        assertFalse(ch.config().isAutoRead());
        // Not writable: dropped, released.
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.outboundMessages().clear();
        PingWebSocketFrame unread = new PingWebSocketFrame(Unpooled.copiedBuffer("q", StandardCharsets.UTF_8));
        ch.writeInbound(unread);
        assertEquals(0, unread.refCnt());
        PongWebSocketFrame pongFromPeer = new PongWebSocketFrame();
        ch.writeInbound(pongFromPeer);
        assertEquals(0, pongFromPeer.refCnt());
        assertNull(ch.readInbound());
        Object passed = new Object();
        ch.writeInbound(passed);
        assertSame(passed, ch.readInbound());
    }
}
