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
import io.netty.channel.ChannelOption;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
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
    /** Admin connections open at once; more are closed when accepted. */
    static final int MAX_CONNECTIONS = 16;
    /** Seconds a connection may send nothing while no command of it runs. */
    static final int IDLE_SECONDS = 30;

    private final EventLoopGroup loop;
    private final ExecutorService workers;
    private final Channel listener;

    @Activate
    public AdminHttp(AdminConfiguration config, @Reference CommandRegistry registry, @Reference Health health)
            throws InterruptedException {
        String token = config.token().trim();
        if (token.isEmpty()) {
            LOG.info("The admin API is off: no token in etc/io.parley.admin.cfg (the console's parley:admin works)");
            loop = null;
            workers = null;
            listener = null;
            return;
        }
        if (token.length() < MIN_TOKEN) {
            throw new IllegalArgumentException("The admin token must be at least " + MIN_TOKEN
                    + " characters (openssl rand -hex 32 makes one); the admin API is off.");
        }
        byte[] expected = AuthGate.digest(token);
        AtomicInteger open = new AtomicInteger();
        loop = new NioEventLoopGroup(1, new DefaultThreadFactory("parley-admin-io", true));
        // Commands reach the stores: they run here, not on the event loop; one at a time per connection.
        workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                new DefaultThreadFactory("parley-admin", true), new ThreadPoolExecutor.AbortPolicy());
        try {
            listener = new ServerBootstrap()
                    .group(loop)
                    .channel(NioServerSocketChannel.class)
                    // Read only when asked: one request at a time (AdminRoutes asks for the next once it answered).
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0))
                                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                                    .addLast(new AuthGate(expected))
                                    .addLast(new HttpObjectAggregator(config.maxBody()))
                                    .addLast(new FlowControlHandler())
                                    .addLast(new AdminRoutes(registry, workers, health));
                        }
                    })
                    .bind(config.host(), config.port())
                    .sync()
                    .channel();
        } catch (Throwable e) {
            // bind() throws BindException (checked, undeclared) when the port is taken.
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
