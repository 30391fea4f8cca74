package io.parley.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.parley.protocol.Frame;
import java.util.List;

/**
 * What {@link FrameDecoder} and {@link FrameCodec} share: reading frames from a byte stream with every check,
 * and, after a bad header, discarding whatever else the peer sends.
 */
abstract class FrameReader extends ByteToMessageDecoder {

    private final int maxBody;
    private boolean failed;

    FrameReader(int maxBody) {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must be >= 0");
        }
        this.maxBody = maxBody;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        failed = !decode(ctx, in, out, maxBody);
    }

    /**
     * Decodes the next frame in {@code in} into {@code out}, if it is all there. False when the header is wrong:
     * everything readable is then skipped, the channel is closed, and the caller skips whatever else comes.
     */
    static boolean decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int maxBody) {
        if (in.readableBytes() >= 2 && in.getUnsignedShort(in.readerIndex()) != Frame.MAGIC) {
            return fail(ctx, in, "bad magic 0x" + Integer.toHexString(in.getUnsignedShort(in.readerIndex())));
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH) {
            return true;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 5);
        if (length < 0 || length > maxBody) {
            return fail(ctx, in, "body length " + length + " outside 0.." + maxBody);
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH + length) {
            return true;
        }
        int sign = in.getUnsignedByte(start + 2);
        int type = in.getUnsignedByte(start + 3);
        int status = in.getUnsignedByte(start + 4);
        byte[] body = new byte[length];
        in.getBytes(start + Frame.HEADER_LENGTH, body);
        in.skipBytes(Frame.HEADER_LENGTH + length);
        out.add(new Frame(sign, type, status, body));
        return true;
    }

    private static boolean fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(new CorruptedFrameException(reason));
        ctx.close();
        return false;
    }
}
