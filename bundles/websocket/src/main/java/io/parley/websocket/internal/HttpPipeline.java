package io.parley.websocket.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.parley.protocol.Frame;
import io.parley.protocol.codec.WebSocketControlFrames;
import io.parley.protocol.codec.WebSocketFrameCodec;
import io.parley.transport.Carriers;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP connection's pipeline (after the transport's admission, and its PROXY header decoder for a connection
 * from a listed load balancer): TLS when the transport has it, a deadline, HTTP/1.1 with small limits on what a
 * request may hold, {@link HttpRoutes} (the Origin check and the static files), and Netty's WebSocket
 * handshake at {@code /ws}. Once upgraded, the HTTP handlers go, a WebSocket message becomes a frame
 * ({@link WebSocketFrameCodec}) and the transport serves the connection like a TCP one.
 */
final class HttpPipeline {

    /** Longest request line and header block an HTTP request may have; longer answers 400 or 431. */
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 8192;

    private HttpPipeline() {
    }

    static void build(SocketChannel ch, Carriers carriers, Origins origins, StaticFiles files, int httpSeconds) {
        ChannelPipeline p = ch.pipeline();
        // Read once a connection: the transport's TLS changes live, and the origin check follows it.
        var tls = carriers.tls();
        boolean secure = tls.isPresent();
        tls.ifPresent(context -> p.addLast("tls", context.newHandler(ch.alloc())));
        // Until it is a WebSocket, a connection lives httpSeconds at most, however it trickles its bytes: a
        // browser opens another for its next file. Once upgraded, the transport's login deadline takes over.
        ch.eventLoop().schedule(() -> {
            if (p.get("routes") != null) {
                ch.close();
            }
        }, httpSeconds, TimeUnit.SECONDS);
        p.addLast("http", new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192));
        // GET is all this port answers: a request body has no use here and is refused past 1 KiB (413).
        p.addLast("http-aggregator", new HttpObjectAggregator(1024));
        p.addLast("routes", new HttpRoutes(origins, files, secure));
        int maxBody = carriers.maxBody();
        p.addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(false)
                // Close messages go on to the frame codec, which answers them once and closes.
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(httpSeconds))
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(Frame.HEADER_LENGTH + maxBody)
                        .allowExtensions(false)
                        // The frame codec sends the one close, with the decoder's code.
                        .closeOnProtocolViolation(false)
                        .build())
                .build()));
        p.addLast("upgraded", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                    p.remove("routes");
                    p.addBefore("ws", "ws-control", new WebSocketControlFrames());
                    p.addLast("ws-aggregator", WebSocketFrameCodec.aggregator(maxBody));
                    p.addLast("ws-frames", new WebSocketFrameCodec(maxBody));
                    p.remove(this);
                    carriers.serve(ctx.channel());
                    return;
                }
                ctx.fireUserEventTriggered(evt);
            }
        });
    }
}
