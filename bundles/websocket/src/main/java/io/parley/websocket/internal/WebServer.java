package io.parley.websocket.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
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
 * installed. TLS (wss, https) whenever the transport has it. Stops with the transport: its connections are the
 * transport's too.
 */
@Component(service = WebServer.class, immediate = true, configurationPid = "io.parley.websocket",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = WebConfiguration.class)
public final class WebServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ChannelGroup channels = new DefaultChannelGroup("parley-http", GlobalEventExecutor.INSTANCE);
    private final Channel listener;
    private final StaticFiles files = new StaticFiles();

    @Activate
    public WebServer(WebConfiguration config, @Reference Carriers carriers) throws InterruptedException {
        Origins origins = Origins.parse(config.allowedOrigins());
        boolean secure = carriers.tls().isPresent();
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-http-accept", true));
        io = new NioEventLoopGroup(config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("parley-http-io", true));
        try {
            listener = new ServerBootstrap()
                    .group(boss, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (!carriers.admit(ch)) {
                                return;
                            }
                            channels.add(ch);
                            HttpPipeline.build(ch, carriers, origins, files, config.httpSeconds(), secure);
                        }
                    })
                    .bind(config.host(), config.httpPort())
                    .sync()
                    .channel();
        } catch (Throwable e) {
            // bind() throws BindException (checked, undeclared) when the port is taken: the threads go too.
            shutdown();
            throw e;
        }
        LOG.info("Parley HTTP listening on {}:{} (web client at /, WebSocket at /ws{})", config.host(), port(),
                secure ? ", TLS" : "");
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

    @Deactivate
    void deactivate() {
        LOG.info("Parley HTTP stops listening on port {}", port());
        listener.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdown();
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
