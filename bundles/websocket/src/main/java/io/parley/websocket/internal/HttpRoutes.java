package io.parley.websocket.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers HTTP requests before any upgrade: {@code /ws} goes on to the WebSocket handshake when its Origin is
 * allowed (403 otherwise), every other GET or HEAD is a file of the web client. Every answer carries a
 * Content-Security-Policy that allows scripts, styles and connections from this server only (no inline
 * script, no other site), and headers that keep the page out of frames and its type from being guessed.
 */
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** The web client's policy: its own scripts, styles, images and WebSocket, nothing inline, no frames. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private final Origins origins;
    private final StaticFiles files;
    private final boolean secure;

    HttpRoutes(Origins origins, StaticFiles files, boolean secure) {
        super(false);
        this.origins = origins;
        this.files = files;
        this.secure = secure;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            if (!request.decoderResult().isSuccess()) {
                request.release();
                answer(ctx, false, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                        text("The request could not be read."), true);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            if (path.equals("/ws")) {
                String origin = request.headers().get(HttpHeaderNames.ORIGIN);
                if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST), secure)) {
                    LOG.info("Refused a WebSocket from {}: origin {} is not allowed", ctx.channel().remoteAddress(),
                            origin);
                    request.release();
                    answer(ctx, false, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
                            text("This origin may not open a WebSocket here."), true);
                    return;
                }
                ctx.fireChannelRead(request);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpMethod method = request.method();
            request.release();
            if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                FullHttpResponse refused = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                        text("Only GET and HEAD are answered here."), true);
                refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, refused, false);
                return;
            }
            Optional<StaticFiles.File> file = files.find(path);
            if (file.isPresent()) {
                answer(ctx, keepAlive, HttpResponseStatus.OK, file.get().contentType(), file.get().bytes(),
                        method.equals(HttpMethod.GET));
            } else {
                answer(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        text(files.installed() ? "Nothing here." : "The web client is not installed on this server."),
                        method.equals(HttpMethod.GET));
            }
        } catch (IOException e) {
            LOG.warn("Could not read a web client file", e);
            answer(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                    text("The file could not be read."), true);
        }
    }

    private static byte[] text(String sentence) {
        return (sentence + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
            byte[] body, boolean withBody) {
        send(ctx, response(status, type, body, withBody), keepAlive);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body, boolean withBody) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                withBody ? Unpooled.wrappedBuffer(body) : Unpooled.EMPTY_BUFFER);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("Referrer-Policy", "no-referrer");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture sent = ctx.writeAndFlush(response);
        if (!keepAlive) {
            sent.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
