package io.parley.transport.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.parley.protocol.codec.FrameCodec;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a connection's pipeline: the PROXY protocol header from a trusted load balancer, TLS when configured,
 * the bounded frame codec, then (as for every carrier, {@link #serve}) the connection handler.
 */
final class ParleyServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger LOG = LoggerFactory.getLogger(ParleyServerInitializer.class);

    private volatile TransportConfiguration config;
    private final Dispatcher dispatcher;
    private final SessionRegistry sessions;
    private final DeviceNotices notices;
    private final Executor workers;
    private final Connections connections;
    private final ConnectionLimits limits;
    /** What the connections of each carrier accepted from now on share (made again when settings change). */
    private volatile ConnectionHandler.Shared tcpShared;
    private volatile ConnectionHandler.Shared webSocketShared;
    private volatile SslContext tls;
    private volatile LoadBalancers balancers;

    /**
     * New settings for the connections accepted from now on: frame size, heartbeat, login timeout, caps, TLS
     * ({@code tls} null for plain TCP) and the trusted load balancers.
     */
    void configure(TransportConfiguration next, SslContext nextTls, LoadBalancers nextBalancers) {
        config = next;
        tls = nextTls;
        balancers = nextBalancers;
        limits.set(next.maxConnections(), next.maxConnectionsPerAddress());
        share(next);
    }

    private void share(TransportConfiguration c) {
        tcpShared = shared(c, tcp);
        webSocketShared = shared(c, webSocket);
    }

    private ConnectionHandler.Shared shared(TransportConfiguration c, AtomicInteger carrier) {
        return ConnectionHandler.Shared.of(dispatcher, sessions, notices, workers, connections, carrier,
                c.loginTimeoutSeconds(), c.heartbeatReadIdleSeconds(), c.heartbeatMisses(), c.maxPendingPerConnection());
    }

    /** {@code tls} null for plain TCP. */
    ParleyServerInitializer(TransportConfiguration config, Dispatcher dispatcher, SessionRegistry sessions, DeviceNotices notices,
            Executor workers, Connections connections, ConnectionLimits limits, SslContext tls,
            LoadBalancers balancers) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.sessions = sessions;
        this.notices = notices;
        this.workers = workers;
        this.connections = connections;
        this.limits = limits;
        this.tls = tls;
        this.balancers = balancers;
        share(config);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!admit(ch)) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        SslContext context = tls;
        if (context != null) {
            p.addLast("tls", context.newHandler(ch.alloc()));
        }
        // Decoder and encoder in one handler: one pipeline context per connection fewer.
        p.addLast("frames", new FrameCodec(config.maxBody()));
        serve(ch, tcpShared);
    }

    /** Open connections served, by carrier, for the connections gauge. */
    final AtomicInteger tcp = new AtomicInteger();
    final AtomicInteger webSocket = new AtomicInteger();

    /** Serves Parley on a WebSocket's channel (see {@link #serve(io.netty.channel.Channel, ConnectionHandler.Shared)}). */
    void serveWebSocket(io.netty.channel.Channel ch) {
        serve(ch, webSocketShared);
    }

    /**
     * The part every carrier shares, once the pipeline reads and writes frames: the connection handler (login
     * deadline and heartbeat on its loop's clock, requests), which counts the connection for its carrier and
     * closes it with the server.
     */
    private void serve(io.netty.channel.Channel ch, ConnectionHandler.Shared shared) {
        ch.pipeline().addLast("connection", new ConnectionHandler(shared));
    }

    /**
     * Counts a newly accepted channel against the connection limits, or closes it. From a load balancer in
     * {@code proxyProtocolFrom}, its pipeline starts with the PROXY header's decoder, whose client address then
     * counts per address (and is the client's for every other limit and the log). Every carrier does this first.
     */
    boolean admit(io.netty.channel.Channel ch) {
        boolean proxied = balancers.contains(ch.remoteAddress());
        ConnectionLimits.Admission admission = proxied ? limits.admitToTotal(ch) : null;
        if (proxied ? admission == null : !limits.admit(ch)) {
            LOG.debug("Refused a connection from {}: too many open", ch.remoteAddress());
            ch.close();
            return false;
        }
        if (proxied) {
            // Before TLS: the balancer sends the header in the clear, then the client's own bytes.
            ChannelPipeline p = ch.pipeline();
            p.addLast("proxy-decoder", new HAProxyMessageDecoder());
            p.addLast("proxy-header", new ProxyHeader(client -> admission.from(client.getAddress())));
        }
        return true;
    }
}
