package io.parley.transport.internal;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.protocol.codec.FrameEncoder;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a connection's pipeline: the PROXY protocol header from a trusted load balancer, TLS when configured,
 * bounded decoder, encoder, then (as for every carrier, {@link #serve}) the read-idle timer and the connection
 * handler.
 */
final class ParleyServerInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger LOG = LoggerFactory.getLogger(ParleyServerInitializer.class);

    private volatile TransportConfiguration config;
    private final Dispatcher dispatcher;
    private final SessionRegistry sessions;
    private final DeviceNotices notices;
    private final Executor workers;
    private final ChannelGroup connections;
    private final ConnectionLimits limits;
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
    }

    /** {@code tls} null for plain TCP. */
    ParleyServerInitializer(TransportConfiguration config, Dispatcher dispatcher, SessionRegistry sessions, DeviceNotices notices,
            Executor workers, ChannelGroup connections, ConnectionLimits limits, SslContext tls,
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
        p.addLast("decoder", new FrameDecoder(config.maxBody()));
        p.addLast("encoder", FrameEncoder.INSTANCE);
        serve(ch, tcp);
    }

    /** Open connections served, by carrier, for the connections gauge. */
    final AtomicInteger tcp = new AtomicInteger();
    final AtomicInteger webSocket = new AtomicInteger();

    /**
     * The part every carrier shares, once the pipeline reads and writes frames: the heartbeat timer and the
     * connection handler (login deadline, requests); the channel closes with the server.
     */
    void serve(io.netty.channel.Channel ch, AtomicInteger carrier) {
        connections.add(ch);
        carrier.incrementAndGet();
        ch.closeFuture().addListener(f -> carrier.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(config.heartbeatReadIdleSeconds(), 0, 0, TimeUnit.SECONDS));
        p.addLast("connection", new ConnectionHandler(dispatcher, sessions, notices, new RequestQueue(workers),
                config.loginTimeoutSeconds(), config.heartbeatMisses(), config.maxPendingPerConnection()));
    }

    /**
     * Counts a newly accepted channel against the connection limits, or closes it. From a load balancer in
     * {@code proxyProtocolFrom}, its pipeline starts with the PROXY header's decoder, whose client address then
     * counts per address (and is the client's for every other limit and the log). Every carrier does this first.
     */
    boolean admit(io.netty.channel.Channel ch) {
        boolean proxied = balancers.contains(ch.remoteAddress());
        if (!(proxied ? limits.admitToTotal(ch) : limits.admit(ch))) {
            LOG.debug("Refused a connection from {}: too many open", ch.remoteAddress());
            ch.close();
            return false;
        }
        if (proxied) {
            // Before TLS: the balancer sends the header in the clear, then the client's own bytes.
            ChannelPipeline p = ch.pipeline();
            p.addLast("proxy-decoder", new HAProxyMessageDecoder());
            p.addLast("proxy-header", new ProxyHeader(client -> limits.admitFrom(ch, client.getAddress())));
        }
        return true;
    }
}
