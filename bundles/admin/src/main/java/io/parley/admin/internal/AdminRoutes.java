package io.parley.admin.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.netty.buffer.Unpooled;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection's requests, one at a time: the bearer token first (401, nothing runs), then
 * {@code GET /api} (the listing) or {@code POST /api/NAME} with a JSON object (the command's outcome). Answers are
 * JSON: {@code {"result": ...}} or {@code {"error": "a sentence"}}.
 */
final class AdminRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    private final CommandRegistry registry;
    private final byte[] token;
    private final Executor workers;

    AdminRoutes(CommandRegistry registry, byte[] token, Executor workers) {
        this.registry = registry;
        this.token = token;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, error("The request could not be read."), false);
            return;
        }
        if (!authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse refused = response(HttpResponseStatus.UNAUTHORIZED,
                    error("A bearer token is needed: Authorization: Bearer <the token in etc/io.parley.admin.cfg>."));
            refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"parley-admin\"");
            write(ctx, refused, keepAlive);
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.equals("/api") && request.method().equals(HttpMethod.GET)) {
            JsonObject listing = new JsonObject();
            listing.add("commands", registry.describe());
            send(ctx, HttpResponseStatus.OK, listing, keepAlive);
            return;
        }
        if (!path.startsWith("/api/") || path.length() == "/api/".length()) {
            send(ctx, HttpResponseStatus.NOT_FOUND, error("Nothing here: GET /api lists the commands, POST /api/NAME runs one."),
                    keepAlive);
            return;
        }
        if (!request.method().equals(HttpMethod.POST)) {
            send(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error("Commands are run with POST."), keepAlive);
            return;
        }
        String name = path.substring("/api/".length());
        JsonObject arguments;
        String text = request.content().toString(StandardCharsets.UTF_8);
        try {
            JsonElement parsed = text.isBlank() ? new JsonObject() : JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                send(ctx, HttpResponseStatus.BAD_REQUEST, error("The body must be a JSON object of arguments."), keepAlive);
                return;
            }
            arguments = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, error("The body is not JSON."), keepAlive);
            return;
        }
        String from = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
        // Not read again until this one is answered.
        ctx.channel().config().setAutoRead(false);
        try {
            workers.execute(() -> {
                CommandRegistry.Outcome outcome = registry.run(name, arguments, "http", from);
                send(ctx, HttpResponseStatus.valueOf(outcome.status()), outcome.body(), keepAlive);
            });
        } catch (RejectedExecutionException e) {
            send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, error("Too many admin commands are running; try again."),
                    keepAlive);
        }
    }

    /** Compares in constant time, so the time an answer takes says nothing of the token. */
    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject error(String sentence) {
        JsonObject o = new JsonObject();
        o.addProperty("error", sentence);
        return o;
    }

    private static FullHttpResponse response(HttpResponseStatus status, JsonObject body) {
        byte[] bytes = (CommandRegistry.GSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, JsonObject body, boolean keepAlive) {
        write(ctx, response(status, body), keepAlive);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(f -> {
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
            } else {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
