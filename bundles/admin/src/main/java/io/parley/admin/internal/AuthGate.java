package io.parley.admin.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token, checked on the request's headers before its body is read or kept: a request without the
 * right one is answered 401 and its connection closed, and nothing runs. {@code GET /health/live} and
 * {@code /health/ready} need none. The comparison is of SHA-256 digests in
 * constant time, so neither the time an answer takes nor the token's length shows.
 */
final class AuthGate extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AuthGate.class);

    private final byte[] expected;
    private boolean refused;

    AuthGate(byte[] tokenDigest) {
        this.expected = tokenDigest;
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !open(request)
                && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            refused = true;
            ReferenceCountUtil.release(msg);
            LOG.debug("Refused an admin request from {}: no token or a wrong one", ctx.channel().remoteAddress());
            FullHttpResponse response = AdminRoutes.response(HttpResponseStatus.UNAUTHORIZED, AdminRoutes.error(
                    "A bearer token is needed: Authorization: Bearer <the token in etc/io.parley.admin.cfg>."));
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"parley-admin\"")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The health checks answer without a token: probes carry none, and they tell nothing but up or down. */
    private static boolean open(HttpRequest request) {
        return request.method().equals(io.netty.handler.codec.http.HttpMethod.GET)
                && (request.uri().equals("/health/live") || request.uri().equals("/health/ready"));
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(header.substring(7).trim()));
    }
}
