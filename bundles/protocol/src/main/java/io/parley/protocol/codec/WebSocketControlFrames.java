package io.parley.protocol.codec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * WebSocket pings and pongs, before Netty's protocol handler sees them: a ping is answered only while the peer
 * reads what it is sent (else dropped), a pong is dropped, and neither asks for another read. Netty's own
 * handling reads on after each one even while the transport has stopped reading a connection that does not
 * read its answers, which would let pings pile up pongs, and requests behind them, without limit. Neither
 * counts as a heartbeat: only frames do.
 *
 * <p>Here, beside {@link WebSocketFrameCodec}, and not in the WebSocket endpoint's bundle: a served WebSocket's
 * pipeline then holds nothing of that bundle, which can be updated while its connections chat on.
 */
public final class WebSocketControlFrames extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PingWebSocketFrame ping) {
            if (ctx.channel().isWritable()) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else {
                ping.release();
            }
            return;
        }
        if (msg instanceof PongWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
