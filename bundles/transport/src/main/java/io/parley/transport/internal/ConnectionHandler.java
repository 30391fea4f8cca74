package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.parley.api.ParleyException;
import io.parley.api.handler.Empty;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: the login deadline, heartbeat misses, PING, and handing every other request to the worker
 * pool in order; a request whose handler does not block is answered here when none waits before it. One
 * instance per channel.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Dispatcher dispatcher;
    private final RequestQueue queue;
    private final int loginTimeoutSeconds;
    private final int maxMisses;
    private Channel channel;
    private ScheduledFuture<?> loginDeadline;
    private int misses;
    private volatile Session session;

    ConnectionHandler(Dispatcher dispatcher, int loginTimeoutSeconds, int maxMisses) {
        this.dispatcher = dispatcher;
        this.queue = new RequestQueue(dispatcher.workers, dispatcher.maxPendingPerConnection);
        this.loginTimeoutSeconds = loginTimeoutSeconds;
        this.maxMisses = maxMisses;
    }

    Channel channel() {
        return channel;
    }

    Optional<Session> session() {
        return Optional.ofNullable(session);
    }

    String remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
    }

    /** Called on a worker thread by a LOGIN or RESUME handler. */
    void login(Session next) {
        Session previous = session;
        if (previous != null) {
            dispatcher.sessions.unregister(previous, channel);
        }
        session = next;
        dispatcher.sessions.register(next, channel);
        if (!channel.isActive()) {
            // Closed while logging in: channelInactive may have run before the registration.
            dispatcher.sessions.unregister(next, channel);
        }
        channel.eventLoop().execute(() -> {
            if (loginDeadline != null) {
                loginDeadline.cancel(false);
            }
        });
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        loginDeadline = ctx.executor().schedule(() -> {
            if (session == null) {
                dispatcher.sessions.kick(channel, "No login within " + loginTimeoutSeconds + " s.");
            }
        }, loginTimeoutSeconds, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
        }
        Session current = session;
        if (current != null) {
            dispatcher.sessions.unregister(current, channel);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        misses = 0;
        if (frame.sign() != Sign.REQUEST) {
            answerNow(frame, ParleyException.badRequest("Clients send requests (sign 1) only."));
            return;
        }
        if (frame.type() == Types.PING) {
            ping(frame);
            return;
        }
        if (queue.idle() && dispatcher.nonBlocking(frame.type())) {
            // Nothing of this connection waits or runs on a worker, so answering here keeps the order.
            dispatcher.dispatch(this, frame);
            return;
        }
        if (!queue.offer(() -> dispatcher.dispatch(this, frame))) {
            answerNow(frame, ParleyException.rateLimited("Too many requests waiting on this connection.", 100));
        }
    }

    private void ping(Frame frame) {
        if (frame.body().length == 0) {
            channel.writeAndFlush(Frame.response(Types.PING, Status.OK, new byte[0]));
            return;
        }
        try {
            String id = dispatcher.serializer.parse(frame.body()).id();
            channel.writeAndFlush(Frame.response(Types.PING, Status.OK, dispatcher.serializer.write(id, Empty.INSTANCE)));
        } catch (ParleyException e) {
            dispatcher.respondError(channel, Types.PING, null, e);
        }
    }

    /** Answers on the event loop, for refusals that must not wait behind the queue. */
    private void answerNow(Frame frame, ParleyException error) {
        String id = null;
        try {
            id = dispatcher.serializer.parse(frame.body()).id();
        } catch (ParleyException e) {
            // No usable id: the error goes out without one.
        }
        dispatcher.respondError(channel, frame.type(), id, error);
    }

    /**
     * A client that does not read its answers is not read either, past the write buffer's high-water mark,
     * instead of growing this server's memory; it reads on below the low-water mark. Its heartbeats are not
     * read meanwhile, so a client that stays stuck is closed after the usual missed heartbeats.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            misses++;
            if (misses >= maxMisses) {
                LOG.debug("Closing {} after {} missed heartbeats", remoteAddress(), misses);
                dispatcher.sessions.kick(channel, "No heartbeat for too long.");
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedFrameException) {
            LOG.info("Closing {}: {}", remoteAddress(), cause.getMessage());
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // Not TLS, or a TLS client that does not accept us: the client's problem, not the server's.
            LOG.info("Closing {}: TLS failed: {}", remoteAddress(), cause.getCause().getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("Connection {} failed: {}", remoteAddress(), cause.toString());
        } else {
            LOG.warn("Connection {} failed", remoteAddress(), cause);
        }
        ctx.close();
    }
}
