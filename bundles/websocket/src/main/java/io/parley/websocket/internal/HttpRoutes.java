package io.parley.websocket.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
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

    /** Answers a connection may have waiting to be written; a request beyond closes it. */
    static final int MAX_UNANSWERED = 8;
    private static final String PLAIN = "text/plain; charset=utf-8";

    private final Origins origins;
    /** Answers written but not yet sent; touched on the event loop only. */
    private int unanswered;
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
        boolean passedOn = false;
        try {
            if (unanswered >= MAX_UNANSWERED) {
                // Pipelined requests whose answers the client does not read: it gets no more of them.
                ctx.close();
                return;
            }
            if (!request.decoderResult().isSuccess()) {
                answer(ctx, false, HttpResponseStatus.BAD_REQUEST, text("The request could not be read."), true);
                return;
            }
            if (request.uri().equals("/ws")) {
                passedOn = upgrade(ctx, request);
                return;
            }
            String path;
            try {
                path = new QueryStringDecoder(request.uri()).path();
            } catch (IllegalArgumentException e) {
                answer(ctx, false, HttpResponseStatus.BAD_REQUEST, text("The request's path could not be read."), true);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpMethod method = request.method();
            if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                FullHttpResponse refused = response(HttpResponseStatus.METHOD_NOT_ALLOWED, PLAIN,
                        text("Only GET and HEAD are answered here."), true);
                refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                send(ctx, refused, false);
                return;
            }
            boolean withBody = method.equals(HttpMethod.GET);
            Optional<StaticFiles.File> file = files.find(path);
            if (file.isPresent()) {
                send(ctx, response(HttpResponseStatus.OK, file.get().contentType(), file.get().bytes(), withBody),
                        keepAlive);
            } else {
                send(ctx, response(HttpResponseStatus.NOT_FOUND, PLAIN, text(files.installed() ? "Nothing here."
                        : "The web client is not installed on this server."), withBody), keepAlive);
            }
        } catch (IOException e) {
            LOG.warn("Could not read a web client file", e);
            answer(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, text("The file could not be read."), true);
        } finally {
            if (!passedOn) {
                request.release();
            }
        }
    }

    /**
     * An upgrade to a WebSocket: on to Netty's handshake when it asks for version 13 from an allowed Origin.
     * True when the request was passed on (and is no longer this handler's to release).
     */
    private boolean upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            FullHttpResponse upgrade = response(HttpResponseStatus.UPGRADE_REQUIRED, PLAIN,
                    text("This is a WebSocket endpoint (version 13)."), true);
            upgrade.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            send(ctx, upgrade, false);
            return false;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST), secure)) {
            LOG.debug("Refused a WebSocket from {}: its origin is not allowed", ctx.channel().remoteAddress());
            answer(ctx, false, HttpResponseStatus.FORBIDDEN, text("This origin may not open a WebSocket here."), true);
            return false;
        }
        ctx.fireChannelRead(request);
        return true;
    }

    private static byte[] text(String sentence) {
        return (sentence + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] body,
            boolean withBody) {
        send(ctx, response(status, PLAIN, body, withBody), keepAlive);
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

    /**
     * Writes an answer. While any answer is still being written the connection is not read, so a client that
     * sends requests without reading the answers holds a few of them at most in the server's memory.
     */
    private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        unanswered++;
        ctx.channel().config().setAutoRead(false);
        ChannelFuture sent = ctx.writeAndFlush(response);
        sent.addListener(f -> {
            unanswered--;
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
            } else if (unanswered == 0) {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
