package io.parley.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.parley.protocol.Frame;

/** Encodes {@link Frame}s: the 9-byte header, then the body. Stateless, so one instance serves all channels. */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {

    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int size = Frame.HEADER_LENGTH + frame.body().length;
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        write(frame, out);
    }

    /** The frame's bytes, header and body, as every carrier sends them. */
    static void write(Frame frame, ByteBuf out) {
        out.writeShort(Frame.MAGIC);
        out.writeByte(frame.sign());
        out.writeByte(frame.type());
        out.writeByte(frame.status());
        out.writeInt(frame.body().length);
        out.writeBytes(frame.body());
    }
}
