package io.parley.admin.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on its own port (127.0.0.1:7790 unless configured): {@code GET /api} lists the commands,
 * {@code POST /api/NAME} runs one with a JSON object of arguments; every request carries the configured bearer
 * token. With no token configured nothing listens, and the log says so.
 */
@Component(service = AdminHttp.class, immediate = true, configurationPid = "io.parley.admin")
public final class AdminHttp {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttp.class);
    /** Shortest token accepted: a guessable one would be worse than none. */
    static final int MIN_TOKEN = 32;

    private final EventLoopGroup loop;
    private final ExecutorService workers;
    private final Channel listener;

    @Activate
    public AdminHttp(AdminConfiguration config, @Reference CommandRegistry registry) throws InterruptedException {
        String token = config.token().trim();
        if (token.isEmpty()) {
            LOG.warn("The admin API is off: no token in etc/io.parley.admin.cfg (the console's parley:admin works)");
            loop = null;
            workers = null;
            listener = null;
            return;
        }
        if (token.length() < MIN_TOKEN) {
            throw new IllegalArgumentException("The admin token must be at least " + MIN_TOKEN
                    + " characters (openssl rand -hex 32 makes one); the admin API is off.");
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        loop = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-admin-io", true));
        // Commands reach the stores: they run here, not on the event loop; one at a time per connection.
        workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                new DefaultThreadFactory("parley-admin", true), new ThreadPoolExecutor.AbortPolicy());
        try {
            listener = new ServerBootstrap()
                    .group(loop)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new ReadTimeoutHandler(60))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new HttpObjectAggregator(config.maxBody()))
                                    .addLast(new AdminRoutes(registry, expected, workers));
                        }
                    })
                    .bind(config.host(), config.port())
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdown();
            throw e;
        }
        LOG.info("Parley admin API listening on {}:{}", config.host(), port());
    }

    /** The port bound, or -1 when the API is off. */
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Deactivate
    void deactivate() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        shutdown();
    }

    private void shutdown() {
        if (workers != null) {
            workers.shutdownNow();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
