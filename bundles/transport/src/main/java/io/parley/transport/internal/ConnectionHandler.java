package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.parley.api.ParleyException;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: the login deadline, heartbeat misses, and its requests, answered in the order they arrived.
 * Most go to the worker pool, one at a time; PING and requests whose handler does not block are answered here
 * on the event loop, but only when no answer of this connection is still on its way from a worker, so that no
 * answer can overtake an earlier one. One instance per channel.
 *
 * <p>At most {@code maxPending} requests wait per connection; the ones beyond are answered RATE_LIMITED, in
 * their turn. At twice that many unanswered, the connection is not read until its answers catch up.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Dispatcher dispatcher;
    private final SessionRegistry sessions;
    private final DeviceNotices notices;
    private final RequestQueue queue;
    private final int loginTimeoutSeconds;
    private final int maxMisses;
    private final int maxPending;
    private Channel channel;
    private ScheduledFuture<?> loginDeadline;
    private int misses;
    /**
     * Requests handed to the worker whose answers are not written yet; touched on the event loop only. A worker
     * writes its answer, then queues the decrement on the event loop: the loop runs its tasks in order, so by
     * the time this is 0 every earlier answer has been written.
     */
    private int unanswered;
    private volatile Session session;
    /**
     * What a handler keeps between two requests of this connection (a login exchange); see Request#keep. A
     * plain field, not an AtomicReference, to keep idle connections small: this connection's requests are
     * answered one at a time.
     */
    private volatile Object kept;

    ConnectionHandler(Dispatcher dispatcher, SessionRegistry sessions, DeviceNotices notices, RequestQueue queue, int loginTimeoutSeconds,
            int maxMisses, int maxPending) {
        this.dispatcher = dispatcher;
        this.sessions = sessions;
        this.notices = notices;
        this.queue = queue;
        this.loginTimeoutSeconds = loginTimeoutSeconds;
        this.maxMisses = maxMisses;
        this.maxPending = maxPending;
    }

    Channel channel() {
        return channel;
    }

    Optional<Session> session() {
        return Optional.ofNullable(session);
    }

    void keep(Object value) {
        kept = value;
    }

    Optional<Object> take() {
        Object value = kept;
        kept = null;
        return Optional.ofNullable(value);
    }

    String remoteAddress() {
        return ClientAddress.host(channel);
    }

    /** Called on a worker thread by a LOGIN or RESUME handler. */
    void login(Session next) {
        Session previous = session;
        if (previous != null) {
            sessions.unregister(previous, channel);
        }
        session = next;
        notices.loggedIn(next, sessions.register(next, channel));
        if (!channel.isActive()) {
            // Closed while logging in: channelInactive may have run before the registration.
            sessions.unregister(next, channel);
        }
        channel.eventLoop().execute(() -> {
            if (loginDeadline != null) {
                loginDeadline.cancel(false);
            }
        });
    }

    /** Added to a channel that is already open (a WebSocket after its upgrade): it starts now. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        if (channel != null) {
            return;
        }
        channel = ctx.channel();
        // A channel handed over by another carrier may have stopped reading while it was its own.
        updateReading();
        loginDeadline = ctx.executor().schedule(() -> {
            if (session == null) {
                notices.close(channel, "No login within " + loginTimeoutSeconds + " s.");
            }
        }, loginTimeoutSeconds, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (loginDeadline != null) {
            loginDeadline.cancel(false);
        }
        Session current = session;
        if (current != null) {
            sessions.unregister(current, channel);
        }
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        misses = 0;
        if (unanswered == 0 && dispatcher.answersWithoutBlocking(frame)) {
            Serializer s = dispatcher.serializerNow();
            if (s != null) {
                dispatcher.dispatch(this, frame, s);
                return;
            }
        }
        if (unanswered >= maxPending) {
            ParleyException refusal = ParleyException.rateLimited("Too many requests waiting on this connection.", 100);
            toWorker(() -> dispatcher.refuse(this, frame, refusal));
        } else {
            toWorker(() -> dispatcher.dispatch(this, frame));
        }
    }

    private void toWorker(Runnable answer) {
        unanswered++;
        updateReading();
        queue.add(() -> {
            try {
                if (channel.isActive()) {
                    answer.run();
                } // else nobody is there to answer: a closed connection's queued work is dropped
            } finally {
                answered();
            }
        });
    }

    /** Called by the worker once it has written an answer: counted on the event loop, after that write. */
    private void answered() {
        try {
            channel.eventLoop().execute(() -> {
                unanswered--;
                updateReading();
            });
        } catch (RejectedExecutionException e) {
            // The event loop has stopped with the server; nothing is read any more.
        }
    }

    /**
     * Reads while the client reads its answers and has not piled up twice {@code maxPending} unanswered
     * requests: past either, the server stops reading this connection rather than grow its memory. Its
     * heartbeats are not read meanwhile, so a client that stays stuck is closed after the usual missed heartbeats.
     */
    private void updateReading() {
        channel.config().setAutoRead(channel.isWritable() && unanswered < 2 * maxPending);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            misses++;
            if (misses >= maxMisses) {
                LOG.debug("Closing {} after {} missed heartbeats", remoteAddress(), misses);
                notices.close(channel, "No heartbeat for too long.");
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedFrameException || cause instanceof HAProxyProtocolException) {
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
