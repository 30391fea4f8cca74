package io.parley.transport.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.parley.api.handler.RequestHandler;
import io.parley.api.metrics.Gauges;
import io.parley.api.metrics.Meters;
import io.parley.transport.Carriers;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parley TCP listener. Binds in {@code @Activate}, and in {@code @Deactivate} (bundle stop or update) closes
 * the port and every connection and stops its threads, so the next activation can bind the same port at once. A
 * change of etc/io.parley.transport.cfg applies live ({@link #modified}), connections staying up.
 */
@Component(service = {ParleyServer.class, Carriers.class}, immediate = true, configurationPid = "io.parley.transport",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TransportConfiguration.class)
public final class ParleyServer implements Carriers {

    /**
     * Netty's default read sizing for a socket (64 bytes to 64 KiB, adapted to each connection's traffic, up to 16
     * reads a wake-up), one for every connection. Made here, it reads once a wake-up unless told (Netty raises it
     * to 16 only for the allocator a channel makes itself). Nothing may change it per channel: it is shared.
     */
    private static final AdaptiveRecvByteBufAllocator SHARED_READS = new AdaptiveRecvByteBufAllocator();

    static {
        SHARED_READS.maxMessagesPerRead(16);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ParleyServer.class);

    private final HandlerRegistry handlers = new HandlerRegistry();
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final Connections connections = new Connections();
    private volatile Channel listener;
    private final ServerBootstrap bootstrap;
    private final ParleyServerInitializer initializer;
    private volatile TransportConfiguration config;
    private volatile SslContext tls;
    private volatile LoadBalancers balancers;
    private final Dispatcher dispatcher;
    private final java.util.function.IntSupplier sessionCount;
    /** The connection gauges registered with the Meters bound now, closed when they go. */
    private final Gauges gauges = new Gauges();

    /**
     * One event loop per core unless configured. Netty's own default is two per core; handlers run on the
     * worker pool, so the loops only move frames, and at the 1:1 peak on 2 cores 4 loops delivered about
     * 20 % fewer messages per second than 2 (three interleaved runs each: 12,300-14,600 against
     * 14,700-17,400 msgs/s).
     */
    static int ioThreads(TransportConfiguration config) {
        return config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    }

    @Activate
    public ParleyServer(TransportConfiguration config, @Reference SessionRegistry sessions, @Reference DeviceNotices notices,
            @Reference LiveSerializer serializer) throws InterruptedException {
        balancers = LoadBalancers.parse(config.proxyProtocolFrom());
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-accept", true));
        io = new NioEventLoopGroup(ioThreads(config), new DefaultThreadFactory("parley-io", true));
        UserRates userRates = userRates(config);
        AtomicInteger workerNumber = new AtomicInteger();
        workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "parley-worker-" + workerNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        dispatcher = new Dispatcher(serializer, handlers, userRates, config.maxBody(), config.serviceWaitMs());
        Dispatcher rates = dispatcher;
        io.scheduleAtFixedRate(() -> rates.userRates().sweep(), 1, 1, TimeUnit.MINUTES);
        connections.startClocks(io);
        sessionCount = () -> sessions.sessions().size();
        this.config = config;
        try {
            tls = tls(config);
            initializer = new ParleyServerInitializer(config, dispatcher, sessions, notices, workers, connections,
                    new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress()), tls, balancers);
            bootstrap = new ServerBootstrap()
                    .group(boss, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    // One allocator for every connection (each still gets its own read-size handle): the default is an
                    // allocator each, 40 bytes of every idle connection's heap.
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, SHARED_READS)
                    .childHandler(initializer);
            listener = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (Throwable e) {
            // bind() throws BindException (checked, undeclared) when the port is taken: the threads go too.
            shutdown();
            throw e;
        }
        LOG.info("Parley listening on {}:{}{}", config.host(), port(),
                config.tlsCertificateFile().isBlank() ? "" : " (TLS)");
    }

    /**
     * A new etc/io.parley.transport.cfg, connections staying up. Limits, rates, frame size, heartbeat, login
     * timeout, TLS and the trusted load balancers apply to what comes next; a new address or port is bound before
     * the old listener closes (connections accepted on it stay). Only the thread counts wait for the transport's
     * next start, and the log says so. A setting that cannot be used (a port taken, a certificate that does not
     * load) is logged and the one before it stays.
     */
    @Modified
    synchronized void modified(TransportConfiguration next) throws InterruptedException {
        TransportConfiguration before = config;
        SslContext nextTls = tls;
        if (!before.tlsCertificateFile().equals(next.tlsCertificateFile())
                || !before.tlsPrivateKeyFile().equals(next.tlsPrivateKeyFile())) {
            try {
                nextTls = tls(next);
            } catch (IllegalArgumentException e) {
                LOG.error("etc/io.parley.transport.cfg: {}; TLS stays as it was", e.getMessage());
            }
        }
        LoadBalancers nextBalancers = balancers;
        if (!before.proxyProtocolFrom().equals(next.proxyProtocolFrom())) {
            try {
                nextBalancers = LoadBalancers.parse(next.proxyProtocolFrom());
            } catch (IllegalArgumentException e) {
                LOG.error("etc/io.parley.transport.cfg: proxyProtocolFrom refused ({}); it stays as it was",
                        e.getMessage());
            }
        }
        tls = nextTls;
        balancers = nextBalancers;
        config = next;
        // The same rates keep their buckets: an edit of another key must not give every user a fresh allowance.
        dispatcher.configure(before.userRates().equals(next.userRates()) ? dispatcher.userRates() : userRates(next),
                next.maxBody(), next.serviceWaitMs());
        initializer.configure(next, nextTls, nextBalancers);
        if (!before.host().equals(next.host()) || before.port() != next.port()) {
            Channel old = listener;
            try {
                listener = bootstrap.bind(next.host(), next.port()).sync().channel();
                old.close().syncUninterruptibly();
                LOG.info("Parley listening on {}:{}{} (moved from port {}; its connections stay)", next.host(), port(),
                        nextTls == null ? "" : " (TLS)", ((InetSocketAddress) old.localAddress()).getPort());
            } catch (Exception e) {
                LOG.error("etc/io.parley.transport.cfg: cannot listen on {}:{} ({}); still listening on port {}",
                        next.host(), next.port(), e.toString(), port());
            }
        }
        if (before.ioThreads() != next.ioThreads() || before.workerThreads() != next.workerThreads()) {
            LOG.warn("etc/io.parley.transport.cfg applied; ioThreads and workerThreads change only when the transport "
                    + "restarts (a server restart, or bundles.update io.parley.transport); connections stay up");
        } else {
            LOG.info("etc/io.parley.transport.cfg applied; connections stay up");
        }
    }

    /** The configured per-user rates; the defaults, with an ERROR line, when the setting cannot be read. */
    static UserRates userRates(TransportConfiguration config) {
        try {
            return new UserRates(config.userRates(), System::nanoTime);
        } catch (IllegalArgumentException e) {
            LOG.error("userRates refused ({}); using the defaults: {}", e.getMessage(),
                    TransportConfiguration.DEFAULT_USER_RATES);
            return new UserRates(TransportConfiguration.DEFAULT_USER_RATES, System::nanoTime);
        }
    }

    /**
     * Forward secrecy and authenticated encryption only: TLS 1.3's suites, and TLS 1.2's ECDHE with AES-GCM or
     * ChaCha20-Poly1305. Netty's default list also offers static-RSA key exchange and CBC suites.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** The TLS context when a certificate and key are configured, else null (plain TCP). */
    static SslContext tls(TransportConfiguration config) {
        String certificate = config.tlsCertificateFile().trim();
        String key = config.tlsPrivateKeyFile().trim();
        if (certificate.isEmpty() && key.isEmpty()) {
            return null;
        }
        if (certificate.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("TLS needs both tlsCertificateFile and tlsPrivateKeyFile; one is empty.");
        }
        try {
            return SslContextBuilder.forServer(new File(certificate), new File(key))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot use the TLS certificate " + certificate + " and key " + key
                    + " (the key must be an unencrypted PKCS#8 PEM file): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean admit(Channel channel) {
        return initializer.admit(channel);
    }

    @Override
    public void serve(Channel channel) {
        initializer.serveWebSocket(channel);
    }

    @Override
    public int maxBody() {
        return config.maxBody();
    }

    @Override
    public int loginTimeoutSeconds() {
        return config.loginTimeoutSeconds();
    }

    @Override
    public Optional<SslContext> tls() {
        return Optional.ofNullable(tls);
    }

    @Override
    public EventLoopGroup connectionLoops() {
        return io;
    }

    /** The address and port actually bound. */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Open connections, logged in or not. */
    int connectionCount() {
        return initializer.tcp.get() + initializer.webSocket.get();
    }

    /** The request types some bundle answers right now. */
    java.util.SortedSet<Integer> handledTypes() {
        return handlers.types();
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Requests counted and timed, connections gauged by carrier, while the metrics bundle runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindMeters(Meters meters) {
        closeGauges();
        String connections = "Open connections served, logged in or not, by carrier";
        gauges.add(meters.gauge("parley.connections", connections, initializer.tcp::get, "carrier", "tcp"));
        gauges.add(meters.gauge("parley.connections", connections, initializer.webSocket::get, "carrier", "websocket"));
        gauges.add(meters.gauge("parley.sessions", "Logged-in devices on this node", () -> sessionCount.getAsInt()));
        dispatcher.useMeters(meters);
    }

    synchronized void unbindMeters(Meters meters) {
        dispatcher.useMeters(null);
        closeGauges();
    }

    private void closeGauges() {
        gauges.closeAll();
    }

    @Reference(service = RequestHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addHandler(RequestHandler handler, Map<String, Object> properties) {
        handlers.add(handler, properties);
    }

    void removeHandler(RequestHandler handler, Map<String, Object> properties) {
        handlers.remove(handler, properties);
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            closeGauges();
        }
        LOG.info("Parley stops listening on port {}", port());
        // Requests held for a handler's successor give up now: no successor comes to a stopping server, and the
        // workers are waited for below.
        handlers.close();
        listener.close().syncUninterruptibly();
        connections.closeAll(5, TimeUnit.SECONDS);
        shutdown();
    }

    private void shutdown() {
        workers.shutdown();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
