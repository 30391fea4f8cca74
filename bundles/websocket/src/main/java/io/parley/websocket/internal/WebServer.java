package io.parley.websocket.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.parley.api.web.WebFiles;
import io.parley.transport.Carriers;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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
 * The public HTTP port: Parley frames over WebSocket at {@code /ws}, handed to the transport's request handling
 * ({@link Carriers}) once upgraded, and the web client's files at {@code /} from whichever {@link WebFiles} is
 * installed. TLS (wss, https) whenever the transport has it. Its connections run on the transport's event loops:
 * a served WebSocket is the transport's, and stays up while this bundle is updated; it stops with the transport.
 */
@Component(service = WebServer.class, immediate = true, configurationPid = "io.parley.websocket",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WebConfiguration.class)
public final class WebServer {

    /**
     * Netty's default read sizing for a socket (64 bytes to 64 KiB, adapted to each connection's traffic, up to 16
     * reads a wake-up), one for every connection. Made here, it reads once a wake-up unless told (Netty raises it
     * to 16 only for the allocator a channel makes itself). Nothing may change it per channel: it is shared.
     */
    private static final AdaptiveRecvByteBufAllocator SHARED_READS = new AdaptiveRecvByteBufAllocator();

    static {
        SHARED_READS.maxMessagesPerRead(16);
    }

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final EventLoopGroup boss;
    private final ChannelGroup channels = new DefaultChannelGroup("parley-http", GlobalEventExecutor.INSTANCE);
    private volatile Channel listener;
    private final ServerBootstrap bootstrap;
    private final StaticFiles files = new StaticFiles();
    /** What new connections are served with; a change of etc/io.parley.websocket.cfg applies to them live. */
    private volatile WebConfiguration config;
    private volatile Origins origins;

    @Activate
    public WebServer(WebConfiguration config, @Reference Carriers carriers) throws InterruptedException {
        this.config = config;
        this.origins = Origins.parse(config.allowedOrigins());
        boolean secure = carriers.tls().isPresent();
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-http-accept", true));
        try {
            bootstrap = new ServerBootstrap()
                    // The transport's loops: a served WebSocket is the transport's connection, and outlives this
                    // bundle's update (only the listener and the channels not served yet close).
                    .group(boss, carriers.connectionLoops())
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    // One allocator for every connection (each still gets its own read-size handle): the default is an
                    // allocator each, 40 bytes of every idle connection's heap.
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, SHARED_READS)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (!carriers.admit(ch)) {
                                return;
                            }
                            channels.add(ch);
                            HttpPipeline.build(ch, carriers, WebServer.this.origins, files,
                                    WebServer.this.config.httpSeconds());
                        }
                    });
            listener = bootstrap.bind(config.host(), config.httpPort()).sync().channel();
        } catch (Throwable e) {
            // bind() throws BindException (checked, undeclared) when the port is taken: the threads go too.
            shutdown();
            throw e;
        }
        LOG.info("Parley HTTP listening on {}:{} (web client at /, WebSocket at /ws{})", config.host(), port(),
                secure ? ", TLS" : "");
    }

    /**
     * A new etc/io.parley.websocket.cfg, connections staying up: allowed origins and the HTTP idle time apply to the
     * connections that come next, and a new address or port is bound before the old listener closes (connections
     * accepted there stay). A port that cannot be bound is logged, and the old one stays.
     */
    @Modified
    synchronized void modified(WebConfiguration next) {
        WebConfiguration before = config;
        origins = Origins.parse(next.allowedOrigins());
        config = next;
        if (!before.host().equals(next.host()) || before.httpPort() != next.httpPort()) {
            Channel old = listener;
            try {
                listener = bootstrap.bind(next.host(), next.httpPort()).sync().channel();
                old.close().syncUninterruptibly();
                LOG.info("Parley HTTP listening on {}:{} (moved; its connections stay)", next.host(), port());
            } catch (Exception e) {
                LOG.error("etc/io.parley.websocket.cfg: cannot listen on {}:{} ({}); still listening on port {}",
                        next.host(), next.httpPort(), e.toString(), port());
            }
        } else {
            LOG.info("etc/io.parley.websocket.cfg applied; connections stay up");
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setWebFiles(WebFiles site) {
        files.use(site);
    }

    void unsetWebFiles(WebFiles site) {
        files.drop(site);
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener and the connections that are not WebSockets yet (file downloads, upgrades under way);
     * the WebSockets served already are the transport's and chat on.
     */
    @Deactivate
    void deactivate() {
        LOG.info("Parley HTTP stops listening on port {}; WebSocket connections stay with the transport", port());
        listener.close().syncUninterruptibly();
        channels.close(ch -> ch.pipeline().get("routes") != null).awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
