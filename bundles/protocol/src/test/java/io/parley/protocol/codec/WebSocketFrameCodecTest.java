package io.parley.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.parley.protocol.Frame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketFrameCodecTest {

    private static final int MAX_BODY = 64;

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(WebSocketFrameCodec.aggregator(MAX_BODY), new WebSocketFrameCodec(MAX_BODY));
    }

    private static ByteBuf frame(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeShort(Frame.MAGIC).writeByte(1).writeByte(0).writeByte(0).writeInt(b.length)
                .writeBytes(b);
    }

    private static void assertClosedWith(EmbeddedChannel ch, int code) {
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(code, close.statusCode());
        assertFalse(close.reasonText().isBlank());
        close.release();
        assertNull(ch.readOutbound(), "one close only");
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound(), "nothing of it decoded");
    }

    @Test
    void oneBinaryMessageIsOneFrameBothWays() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(frame("{\"id\":\"1\"}")));
        Frame in = ch.readInbound();
        assertEquals("{\"id\":\"1\"}", in.bodyText());
        ch.writeOutbound(Frame.notice(8, "{}".getBytes(StandardCharsets.UTF_8)));
        BinaryWebSocketFrame out = ch.readOutbound();
        byte[] bytes = new byte[out.content().readableBytes()];
        out.content().readBytes(bytes);
        out.release();
        ByteBuf expected = Unpooled.buffer().writeShort(Frame.MAGIC).writeByte(3).writeByte(8).writeByte(0).writeInt(2)
                .writeBytes("{}".getBytes(StandardCharsets.UTF_8));
        byte[] want = new byte[expected.readableBytes()];
        expected.readBytes(want);
        assertArrayEquals(want, bytes);
    }

    @Test
    void aFrameInFragmentsIsJoined() {
        EmbeddedChannel ch = channel();
        ByteBuf whole = frame("{\"id\":\"f\"}");
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, whole.readRetainedSlice(5)));
        ch.writeInbound(new ContinuationWebSocketFrame(true, 0, whole.readRetainedSlice(whole.readableBytes())));
        whole.release();
        Frame in = ch.readInbound();
        assertEquals("{\"id\":\"f\"}", in.bodyText());
    }

    @Test
    void textIs1003() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new TextWebSocketFrame("{\"id\":\"1\"}"));
        assertClosedWith(ch, 1003);
    }

    @Test
    void halfAFrameIs1003() {
        EmbeddedChannel ch = channel();
        ByteBuf f = frame("{\"id\":\"1\"}");
        ch.writeInbound(new BinaryWebSocketFrame(f.writerIndex(f.writerIndex() - 2)));
        assertClosedWith(ch, 1003);
    }

    @Test
    void twoFramesAre1003() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame("{}"), frame("{}"))));
        assertClosedWith(ch, 1003);
    }

    @Test
    void aWrongMagicIs1003() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 0, 0, 0, 0, 0, 0, 0})));
        assertClosedWith(ch, 1003);
    }

    @Test
    void aFrameOverMaxBodyIs1009() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(frame("x".repeat(MAX_BODY + 1))));
        assertClosedWith(ch, 1009);
    }

    @Test
    void fragmentsPastTheLimitAre1009() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame(false, 0, frame("x".repeat(40))));
        ch.writeInbound(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[40])));
        assertClosedWith(ch, 1009);
    }

    @Test
    void aDecodersProtocolErrorClosesOnceWithItsCode() {
        EmbeddedChannel ch = channel();
        ch.pipeline().fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA,
                "bad UTF-8"));
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(1007, close.statusCode());
        close.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void aPeersCloseIsAnsweredOnceWithItsCode() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(new CloseWebSocketFrame(1001, "going away"));
        CloseWebSocketFrame answer = ch.readOutbound();
        assertEquals(1001, answer.statusCode());
        answer.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void closingFromTheServerSendsA1000First() {
        EmbeddedChannel ch = channel();
        ch.close();
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(1000, close.statusCode());
        close.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void aPeerThatDoesNotReadIsClosedWithoutWaitingForIt() {
        EmbeddedChannel ch = channel();
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.close();
        assertFalse(ch.isOpen());
        assertTrue(ch.closeFuture().isDone());
    }
}
