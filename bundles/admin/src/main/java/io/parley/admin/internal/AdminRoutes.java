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
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import io.parley.api.metrics.MetricsScrape;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection's requests, strictly one at a time: the connection is read only when its previous answer
 * has been written ({@code FlowControlHandler} before this hands on one request per read), so answers leave in
 * order and a client that does not read them holds one at most. The token was checked before the body was read
 * ({@link AuthGate}). {@code GET /api} lists the commands, {@code POST /api/NAME} runs one with a JSON object;
 * answers are {@code {"result": ...}} or {@code {"error": "a sentence"}}, each audited.
 */
final class AdminRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

    private final CommandRegistry registry;
    private final Executor workers;
    private final Health health;
    /** A command of this connection is running; touched on the event loop only. */
    private boolean running;

    AdminRoutes(CommandRegistry registry, Executor workers, Health health) {
        this.registry = registry;
        this.workers = workers;
        this.health = health;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String from = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
        if (!request.decoderResult().isSuccess()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, error("The request could not be read."), false);
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (request.method().equals(HttpMethod.GET) && (path.startsWith("/health/") || path.equals("/metrics"))) {
            observe(ctx, path, keepAlive);
            return;
        }
        if (path.equals("/api") && request.method().equals(HttpMethod.GET)) {
            JsonObject listing = new JsonObject();
            listing.add("commands", registry.describe());
            send(ctx, HttpResponseStatus.OK, listing, keepAlive);
            return;
        }
        if (!path.startsWith("/api/") || path.length() == "/api/".length()) {
            send(ctx, HttpResponseStatus.NOT_FOUND,
                    error("Nothing here: GET /api lists the commands, POST /api/NAME runs one."), keepAlive);
            return;
        }
        String name = path.substring("/api/".length());
        if (!request.method().equals(HttpMethod.POST)) {
            answer(ctx, name, from, 405, "Commands are run with POST.", keepAlive);
            return;
        }
        JsonObject arguments;
        try {
            String text = request.content().toString(StandardCharsets.UTF_8);
            JsonElement parsed = text.isBlank() ? new JsonObject() : JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                answer(ctx, name, from, 400, "The body must be a JSON object of arguments.", keepAlive);
                return;
            }
            arguments = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            answer(ctx, name, from, 400, "The body is not JSON.", keepAlive);
            return;
        }
        running = true;
        try {
            workers.execute(() -> {
                CommandRegistry.Outcome outcome;
                try {
                    outcome = registry.run(name, arguments, "http", from);
                } catch (Throwable e) {
                    LOG.error("Admin command {} failed", name, e);
                    outcome = new CommandRegistry.Outcome(500, null, "The command failed; the server's log has the details.");
                }
                send(ctx, HttpResponseStatus.valueOf(outcome.status()), outcome.body(), keepAlive);
            });
        } catch (RejectedExecutionException e) {
            running = false;
            answer(ctx, name, from, 503, "Too many admin commands are running; try again.", keepAlive);
        }
    }

    /** Idle: closed, unless it waits for one of its commands (which may take long). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!running) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** /health/live, /health/ready and /metrics: answered here, nothing is run or audited. */
    private void observe(ChannelHandlerContext ctx, String path, boolean keepAlive) {
        switch (path) {
            case "/health/live" -> {
                JsonObject live = new JsonObject();
                live.addProperty("status", "live");
                send(ctx, HttpResponseStatus.OK, live, keepAlive);
            }
            case "/health/ready" -> {
                // The store query may wait on a database: not on the event loop.
                running = true;
                try {
                    workers.execute(() -> {
                        Map<String, Boolean> checks = health.readiness();
                        boolean ready = !checks.containsValue(false);
                        JsonObject body = new JsonObject();
                        body.addProperty("status", ready ? "ready" : "not ready");
                        JsonObject each = new JsonObject();
                        checks.forEach(each::addProperty);
                        body.add("checks", each);
                        send(ctx, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body, keepAlive);
                    });
                } catch (RejectedExecutionException e) {
                    running = false;
                    send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, error("Too busy to check; try again."), keepAlive);
                }
            }
            case "/metrics" -> {
                Optional<MetricsScrape> metrics = health.metrics();
                if (metrics.isEmpty()) {
                    send(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, error("The metrics bundle is not running."),
                            keepAlive);
                    return;
                }
                byte[] text = metrics.get().scrape().getBytes(StandardCharsets.UTF_8);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(text));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.get().contentType())
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                write(ctx, response, keepAlive);
            }
            default -> send(ctx, HttpResponseStatus.NOT_FOUND, error("Nothing here: /health/live and /health/ready."),
                    keepAlive);
        }
    }

    /** An answer refused before the command ran, audited as such. */
    private void answer(ChannelHandlerContext ctx, String name, String from, int status, String sentence,
            boolean keepAlive) {
        registry.refused(name, "http", from, status, sentence);
        send(ctx, HttpResponseStatus.valueOf(status), error(sentence), keepAlive);
    }

    static JsonObject error(String sentence) {
        JsonObject o = new JsonObject();
        o.addProperty("error", sentence);
        return o;
    }

    static FullHttpResponse response(HttpResponseStatus status, JsonObject body) {
        byte[] bytes = (CommandRegistry.GSON.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    private void send(ChannelHandlerContext ctx, HttpResponseStatus status, JsonObject body, boolean keepAlive) {
        write(ctx, response(status, body), keepAlive);
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(f -> {
            running = false;
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
            } else {
                ctx.read(); // the next request, now that this one is answered
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
