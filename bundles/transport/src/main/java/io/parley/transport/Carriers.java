package io.parley.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the transport gives another carrier of Parley frames (the WebSocket endpoint): its connection limits,
 * its TLS and its request handling, so that frames arriving any other way meet the same dispatcher, sessions,
 * login deadline, heartbeats and limits as TCP, with no second implementation of any of them. Registered by
 * the transport while it listens; gone (and every connection it serves closed) while it is stopped or updated.
 */
@ProviderType
public interface Carriers {

    /**
     * Call first for a newly accepted channel, before adding handlers: counts it against {@code maxConnections}
     * and {@code maxConnectionsPerAddress}, and out again when it closes; from a load balancer listed in
     * {@code proxyProtocolFrom}, starts its pipeline with the PROXY protocol header's decoder, whose client
     * address is then the one every limit and the log use. False, and the channel closed, when it is over a limit.
     */
    boolean admit(Channel channel);

    /**
     * Serves Parley on the channel from now on: its pipeline must by now read and write
     * {@link io.parley.protocol.Frame}s. Adds the connection handler at the end of the pipeline (the login
     * deadline and the heartbeat, kept by the transport's clock for the channel's event loop, start now) and
     * closes the channel with the transport's other connections.
     */
    void serve(Channel channel);

    /** The largest frame body either side may send ({@code maxBody}). */
    int maxBody();

    /** The seconds a connection may take to log in ({@code loginTimeoutSeconds}). */
    int loginTimeoutSeconds();

    /** The transport's TLS, when its certificate and key are configured: other carriers use the same. */
    Optional<SslContext> tls();

    /**
     * The event loops the transport's connections run on. A carrier accepts its channels onto these (its own
     * acceptor thread aside), so that a channel it has handed to {@link #serve} lives on when the carrier's own
     * bundle stops or is updated: the carrier then closes only its listener and the channels not served yet.
     */
    EventLoopGroup connectionLoops();
}
