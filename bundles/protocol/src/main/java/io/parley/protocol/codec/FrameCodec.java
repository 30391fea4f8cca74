package io.parley.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.parley.protocol.Frame;
import java.net.SocketAddress;

/**
 * {@link FrameDecoder} and {@link FrameEncoder} in one handler: the same checks on what is read, the same bytes
 * written, and one pipeline context per channel instead of two (56 bytes of heap per connection, which counts on
 * a server holding many idle ones). Create one per channel: it is stateful.
 */
public final class FrameCodec extends FrameReader implements ChannelOutboundHandler {

    public FrameCodec(int maxBody) {
        super(maxBody);
    }

    /** A {@link Frame} is written as its bytes; anything else passes on as it is. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Frame frame) {
            ByteBuf bytes = ctx.alloc().ioBuffer(Frame.HEADER_LENGTH + frame.body().length);
            FrameEncoder.write(frame, bytes);
            ctx.write(bytes, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
            ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }
}
