package io.parley.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.parley.protocol.Frame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Parley frames over WebSocket: each binary message carries exactly one frame, header included. Put it after a
 * {@link #aggregator(int)}, which joins a fragmented message first. A text message, or a binary one that holds
 * anything but one whole frame, closes the WebSocket with 1003 (unsupported data); one whose frame is longer
 * than {@code maxBody} with 1009 (message too big). Each close says why in its reason. Closing the channel
 * from anywhere else sends a 1000 close first, so the peer sees a clean close rather than a dropped socket.
 *
 * <p>A close from the peer is answered once with its code, and the channel closed. Ping and pong are the
 * WebSocket protocol handler's business (Netty's answers a ping); any that reach this codec are passed on
 * untouched. One instance per channel: it remembers whether it has sent its close.
 */
public final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, Frame> {

    /** How long a close frame may take to leave before the connection is closed without it. */
    static final long CLOSE_WAIT_MS = 1000;

    private final int maxBody;
    private boolean closeSent;

    public WebSocketFrameCodec(int maxBody) {
        this.maxBody = maxBody;
    }

    /**
     * Joins the fragments of one message, up to one whole frame of {@code maxBody}; a longer message closes with
     * 1009 before more of it is kept.
     */
    public static WebSocketFrameAggregator aggregator(int maxBody) {
        return new WebSocketFrameAggregator(Frame.HEADER_LENGTH + maxBody) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, WebSocketFrame oversized) {
                ctx.pipeline().get(WebSocketFrameCodec.class).refuse(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG,
                        "A message may hold one frame of at most " + maxBody + " body bytes.");
            }
        };
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(Frame.HEADER_LENGTH + frame.body().length);
        FrameEncoder.write(frame, buf);
        out.add(new BinaryWebSocketFrame(buf));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame message, List<Object> out) {
        if (closeSent) {
            return;
        }
        if (message instanceof CloseWebSocketFrame close) {
            // The peer closes: answered once, with its own code, then the connection ends.
            closeSent = true;
            int code = close.statusCode();
            CloseWebSocketFrame answer = WebSocketCloseStatus.isValidStatusCode(code)
                    ? new CloseWebSocketFrame(code, "") : new CloseWebSocketFrame();
            closeAfter(ctx, answer, ctx.newPromise());
            return;
        }
        if (message instanceof PingWebSocketFrame || message instanceof PongWebSocketFrame) {
            out.add(message.retain());
            return;
        }
        if (!(message instanceof BinaryWebSocketFrame) || !message.isFinalFragment()
                || message instanceof ContinuationWebSocketFrame) {
            refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "Only binary messages, each holding one frame.");
            return;
        }
        ByteBuf in = message.content();
        int size = in.readableBytes();
        if (size < Frame.HEADER_LENGTH || in.getUnsignedShort(in.readerIndex()) != Frame.MAGIC) {
            refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "A message must hold one whole frame.");
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start + 5);
        if (length > maxBody) {
            refuse(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "A frame body may be at most " + maxBody + " bytes.");
            return;
        }
        if (length < 0 || size != Frame.HEADER_LENGTH + length) {
            refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "A message must hold one whole frame.");
            return;
        }
        byte[] body = new byte[length];
        in.getBytes(start + Frame.HEADER_LENGTH, body);
        out.add(new Frame(in.getUnsignedByte(start + 2), in.getUnsignedByte(start + 3),
                in.getUnsignedByte(start + 4), body));
    }

    /** Sends a close with this code and reason, then closes the channel; nothing read after it is decoded. */
    void refuse(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        closeAfter(ctx, new CloseWebSocketFrame(status.code(), reason.length() > 120 ? reason.substring(0, 120) : reason),
                ctx.newPromise());
    }

    /**
     * A frame the WebSocket decoder refused (a frame over the limit, unmasked, bad UTF-8 in a text frame): closed
     * here with the decoder's code, once. Configure the decoder not to close on such frames itself
     * ({@code closeOnProtocolViolation(false)}), or the peer gets two closes.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            WebSocketCloseStatus status = corrupt.closeStatus() != null ? corrupt.closeStatus()
                    : WebSocketCloseStatus.PROTOCOL_ERROR;
            refuse(ctx, status, String.valueOf(corrupt.getMessage()));
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closeSent || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        closeSent = true;
        closeAfter(ctx, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE), promise);
    }

    /**
     * Writes the close frame, then closes: once it is written, or at once when the peer is not reading what it is
     * sent, or after {@link #CLOSE_WAIT_MS} at the latest, so that a stalled peer cannot keep the connection.
     */
    private static void closeAfter(ChannelHandlerContext ctx, CloseWebSocketFrame frame, ChannelPromise promise) {
        if (!ctx.channel().isWritable()) {
            frame.release();
            ctx.close(promise);
            return;
        }
        boolean[] closed = {false};
        Runnable closeNow = () -> {
            if (!closed[0]) {
                closed[0] = true;
                ctx.close(promise);
            }
        };
        ScheduledFuture<?> latest = ctx.executor().schedule(closeNow, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(frame).addListener(f -> {
            latest.cancel(false);
            closeNow.run();
        });
    }
}
