package io.parley.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.parley.protocol.Frame;
import java.util.List;

/**
 * Decodes Parley frames from a byte stream.
 *
 * <p>The header is checked before any body byte is read: a wrong magic, a negative length or a length above
 * {@code maxBody} closes the channel at once and discards whatever else the peer sends. The decoder never
 * allocates more than {@code maxBody} bytes for one frame. Create one per channel: it is stateful.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final int maxBody;
    private boolean failed;

    public FrameDecoder(int maxBody) {
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
        if (in.readableBytes() >= 2 && in.getUnsignedShort(in.readerIndex()) != Frame.MAGIC) {
            fail(ctx, in, "bad magic 0x" + Integer.toHexString(in.getUnsignedShort(in.readerIndex())));
            return;
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 5);
        if (length < 0 || length > maxBody) {
            fail(ctx, in, "body length " + length + " outside 0.." + maxBody);
            return;
        }
        if (in.readableBytes() < Frame.HEADER_LENGTH + length) {
            return;
        }
        int sign = in.getUnsignedByte(start + 2);
        int type = in.getUnsignedByte(start + 3);
        int status = in.getUnsignedByte(start + 4);
        byte[] body = new byte[length];
        in.getBytes(start + Frame.HEADER_LENGTH, body);
        in.skipBytes(Frame.HEADER_LENGTH + length);
        out.add(new Frame(sign, type, status, body));
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(new CorruptedFrameException(reason));
        ctx.close();
    }
}
