package io.parley.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The frame decoder and encoder: every header rule, and the bytes written. */
class FrameCodecTest {

    private static final int MAX = 64;

    private final ExceptionRecorder errors = new ExceptionRecorder();

    /** The handler under test that reads frames: FrameDecoder here, FrameCodec in the subclass. */
    io.netty.channel.ChannelHandler reader(int maxBody) {
        return new FrameDecoder(maxBody);
    }

    /** The handler under test that writes frames: FrameEncoder here, FrameCodec in the subclass. */
    io.netty.channel.ChannelHandler writer() {
        return FrameEncoder.INSTANCE;
    }

    /** A decoder channel whose pipeline ends in a recorder, as the server's dispatcher would catch errors. */
    private EmbeddedChannel decoder() {
        return new EmbeddedChannel(reader(MAX), errors);
    }

    private static ByteBuf header(int magic, int sign, int type, int status, int length) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeShort(magic).writeByte(sign).writeByte(type).writeByte(status).writeInt(length);
        return buf;
    }

    private ByteBuf encode(Frame frame) {
        EmbeddedChannel ch = new EmbeddedChannel(writer());
        ch.writeOutbound(frame);
        ByteBuf out = ch.readOutbound();
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void encodesEveryHeaderFieldBigEndian() {
        byte[] body = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuf out = encode(new Frame(Sign.RESPONSE, Types.MSG_SEND, Status.NOT_FOUND.code(), body));
        assertEquals(Frame.HEADER_LENGTH + body.length, out.readableBytes());
        assertEquals(0x50, out.getUnsignedByte(0));
        assertEquals(0x4C, out.getUnsignedByte(1));
        assertEquals(2, out.getUnsignedByte(2));
        assertEquals(20, out.getUnsignedByte(3));
        assertEquals(4, out.getUnsignedByte(4));
        assertEquals(0, out.getUnsignedByte(5));
        assertEquals(body.length, out.getInt(5));
        out.release();
    }

    @Test
    void roundTripsHighTypeAndStatusValues() {
        Frame frame = new Frame(Sign.NOTICE, 255, 255, new byte[] {1, 2, 3});
        EmbeddedChannel ch = decoder();
        ch.writeInbound(encode(frame));
        assertEquals(frame, ch.readInbound());
    }

    @Test
    void decodesAFrameSplitAcrossManyReads() {
        ByteBuf whole = encode(Frame.request(Types.LOGIN, "{\"id\":\"abc\"}".getBytes(StandardCharsets.UTF_8)));
        EmbeddedChannel ch = decoder();
        while (whole.isReadable()) {
            assertNull(ch.readInbound(), "no frame before the last byte");
            ch.writeInbound(whole.readRetainedSlice(1));
        }
        Frame frame = ch.readInbound();
        assertEquals(Types.LOGIN, frame.type());
        assertEquals("{\"id\":\"abc\"}", frame.bodyText());
        whole.release();
    }

    @Test
    void decodesSeveralFramesFromOneRead() {
        ByteBuf buf = Unpooled.buffer();
        for (int i = 0; i < 3; i++) {
            ByteBuf one = encode(Frame.request(i, new byte[] {(byte) i}));
            buf.writeBytes(one);
            one.release();
        }
        EmbeddedChannel ch = decoder();
        ch.writeInbound(buf);
        for (int i = 0; i < 3; i++) {
            Frame frame = ch.readInbound();
            assertEquals(i, frame.type());
            assertArrayEquals(new byte[] {(byte) i}, frame.body());
        }
        assertNull(ch.readInbound());
    }

    @Test
    void acceptsAnEmptyBody() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(header(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, 0));
        Frame frame = ch.readInbound();
        assertEquals(0, frame.body().length);
        assertTrue(ch.isActive());
    }

    @Test
    void acceptsExactlyMaxBody() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(header(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, MAX).writeZero(MAX));
        Frame frame = ch.readInbound();
        assertEquals(MAX, frame.body().length);
        assertTrue(ch.isActive());
    }

    @Test
    void closesOnMaxPlusOneWithoutWaitingForTheBody() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(header(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, MAX + 1));
        assertFalse(ch.isActive(), "closed as soon as the header is read");
        assertNull(ch.readInbound());
        assertTrue(errors.cause instanceof CorruptedFrameException);
    }

    @Test
    void closesOnNegativeLength() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(header(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, -1));
        assertFalse(ch.isActive());
        assertNull(ch.readInbound());
    }

    @Test
    void closesOnHugeLengthWithoutAllocatingIt() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(header(Frame.MAGIC, Sign.REQUEST, Types.PING, 0, Integer.MAX_VALUE));
        assertFalse(ch.isActive());
    }

    @Test
    void closesOnBadMagicAfterTwoBytes() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G', 'E'}));
        assertFalse(ch.isActive(), "an HTTP request or other garbage is refused at once");
        assertNull(ch.readInbound());
    }

    @Test
    void bytesAfterAFailureAreDiscarded() {
        EmbeddedChannel ch = decoder();
        ByteBuf buf = Unpooled.buffer();
        buf.writeShort(0x1234);
        ByteBuf good = encode(Frame.request(Types.PING, new byte[0]));
        buf.writeBytes(good);
        good.release();
        ch.writeInbound(buf);
        assertNull(ch.readInbound(), "nothing after a bad magic is decoded");
    }

    @Test
    void keepsTheStatusOfAResponse() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(encode(Frame.response(Types.LOGIN, Status.RATE_LIMITED, new byte[0])));
        Frame frame = ch.readInbound();
        assertEquals(Sign.RESPONSE, frame.sign());
        assertEquals(Status.RATE_LIMITED, Status.of(frame.status()));
    }

    private static final class ExceptionRecorder extends io.netty.channel.ChannelInboundHandlerAdapter {
        Throwable cause;

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            this.cause = cause;
        }
    }
}
