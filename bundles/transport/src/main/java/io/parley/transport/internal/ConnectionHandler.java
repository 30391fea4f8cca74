package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.parley.api.ParleyException;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: its login deadline and heartbeat (checked by its event loop's {@link Liveness} clock), and its
 * requests, answered in the order they arrived.
 * Most go to the worker pool, one at a time; PING and requests whose handler does not block are answered here
 * on the event loop, but only when no answer of this connection is still on its way from a worker, so that no
 * answer can overtake an earlier one. One instance per channel.
 *
 * <p>At most {@code maxPending} requests wait per connection; the ones beyond are answered RATE_LIMITED, in
 * their turn. At twice that many unanswered, the connection is not read until its answers catch up.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements SessionRegistry.Device {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

    /**
     * What every connection of one carrier shares, in one object rather than in fields of each connection (idle
     * connections are counted in bytes): the services it is answered with, its deadlines and limits, and the
     * count of the carrier's open connections.
     *
     * @param silenceSeconds seconds without reading a frame after which the connection is closed (the heartbeats
     *                       it missed); 0 never
     */
    record Shared(Dispatcher dispatcher, SessionRegistry sessions, DeviceNotices notices, Executor workers,
            Connections connections, AtomicInteger carrier, int loginTimeoutSeconds, int silenceSeconds,
            int maxPending) {

        /**
         * {@code readIdleSeconds} times {@code maxMisses} is the silence allowed, as Netty's read-idle timer counted
         * it before: {@code readIdleSeconds} 0 or less turns the check off, {@code maxMisses} below 1 counts as 1.
         */
        static Shared of(Dispatcher dispatcher, SessionRegistry sessions, DeviceNotices notices, Executor workers,
                Connections connections, AtomicInteger carrier, int loginTimeoutSeconds, int readIdleSeconds,
                int maxMisses, int maxPending) {
            int silence = readIdleSeconds <= 0 ? 0
                    : (int) Math.min(Integer.MAX_VALUE, (long) readIdleSeconds * Math.max(1, maxMisses));
            return new Shared(dispatcher, sessions, notices, workers, connections, carrier, loginTimeoutSeconds,
                    silence, maxPending);
        }
    }

    /** Tasks run in a row on a worker before the connection yields it to the others. */
    private static final int BATCH = 32;

    private final Shared shared;
    /**
     * This connection's tasks for the worker pool, not yet run; null when there are none (an idle connection holds
     * no queue). Guarded by this. See {@link #enqueue}.
     */
    private ArrayDeque<Runnable> tasks;
    /** True while this connection is in the pool's queue or running there. Guarded by this. */
    private boolean scheduled;
    private Channel channel;
    /** This connection's event loop's connections and clock; null until it starts. */
    private Liveness liveness;
    /** The neighbours in its loop's {@link Liveness} list; touched on the loop only. */
    ConnectionHandler previous;
    ConnectionHandler next;
    /** The loop clock's second when the connection started, and when it last read a frame; on the loop only. */
    private int startedAt;
    private int lastRead;
    /** Set once the clock has closed the connection, so that it is told only once. */
    private boolean closing;
    /** The thread answering one of this connection's requests now, if any (see {@link #answeredByThisThread}). */
    private volatile Thread answering;
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

    ConnectionHandler(Shared shared) {
        this.shared = shared;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /** The session this connection logged in with; null before it has. */
    @Override
    public Session session() {
        return session;
    }

    Optional<Session> loggedIn() {
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
            shared.sessions().unregister(previous, channel);
        }
        session = next;
        // Routed first: a notice sent from another node once the login is answered must find this node.
        shared.notices().reachableHere(next.userId());
        shared.notices().loggedIn(next, shared.sessions().register(this));
        if (!channel.isActive()) {
            // Closed while logging in: channelInactive may have run before the registration.
            shared.sessions().unregister(next, channel);
        }
    }

    /** Marks the calling thread as answering one of this connection's requests, until {@link #endAnswering}. */
    void beginAnswering() {
        answering = Thread.currentThread();
    }

    void endAnswering() {
        if (answering == Thread.currentThread()) {
            answering = null;
        }
    }

    /**
     * True when the calling thread is answering a request of this connection and flushes it afterwards: a notice
     * it writes here meanwhile (the sender's own MSG_NOTIFY) needs no flush of its own.
     */
    boolean answeredByThisThread() {
        return answering == Thread.currentThread();
    }

    /**
     * Called by its loop's clock each second, on the loop: closes a connection that has not logged in within
     * {@code loginTimeoutSeconds}, or has read nothing for its missed heartbeats' time.
     */
    void checkLiveness(int now) {
        if (closing) {
            return;
        }
        String reason = null;
        if (session == null && now - startedAt > shared.loginTimeoutSeconds()) {
            reason = "No login within " + shared.loginTimeoutSeconds() + " s.";
        } else if (shared.silenceSeconds() > 0 && now - lastRead > shared.silenceSeconds()) {
            LOG.debug("Closing {} after {} s without a heartbeat", remoteAddress(), shared.silenceSeconds());
            reason = "No heartbeat for too long.";
        }
        if (reason != null) {
            closing = true;
            shared.notices().close(channel, reason);
        }
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
        shared.carrier().incrementAndGet();
        liveness = shared.connections().of(channel.eventLoop());
        startedAt = liveness.now();
        lastRead = startedAt;
        liveness.add(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (liveness != null) {
            liveness.remove(this);
            shared.carrier().decrementAndGet();
        }
        Session current = session;
        if (current != null) {
            shared.sessions().unregister(current, channel);
        }
        ctx.fireChannelInactive();
    }

    /**
     * Frames are plain objects (their bodies are arrays, nothing to release): an adapter rather than a
     * SimpleChannelInboundHandler, whose type matcher and release flag every connection would carry.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame frame) {
            read(frame);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void read(Frame frame) {
        if (liveness != null) {
            lastRead = liveness.now();
        }
        Dispatcher dispatcher = shared.dispatcher();
        if (unanswered == 0 && dispatcher.answersWithoutBlocking(frame)) {
            Serializer s = dispatcher.serializerNow();
            if (s != null) {
                dispatcher.dispatch(this, frame, s);
                return;
            }
        }
        if (unanswered >= shared.maxPending()) {
            ParleyException refusal = ParleyException.rateLimited("Too many requests waiting on this connection.", 100);
            toWorker(() -> dispatcher.refuse(this, frame, refusal));
        } else {
            toWorker(() -> dispatcher.dispatch(this, frame));
        }
    }

    private void toWorker(Runnable answer) {
        unanswered++;
        updateReading();
        enqueue(() -> {
            try {
                if (channel.isActive()) {
                    answer.run();
                } // else nobody is there to answer: a closed connection's queued work is dropped
            } finally {
                answered();
            }
        });
    }

    /**
     * Runs the task on the shared worker pool after this connection's earlier ones, one at a time and in order. At
     * most one task per connection sits in the pool's queue, so the pool's queue is bounded by the number of
     * connections, and one busy connection cannot starve the others: after a batch it yields. How many tasks may
     * wait is decided above ({@code maxPending}). The queue is made when a task comes and dropped when the last
     * one has run (a queue and a flag kept by every connection were 88 bytes of each idle connection's heap); the
     * monitor taken for each task is uncontended but for the moment one is added while another runs.
     */
    void enqueue(Runnable task) {
        synchronized (this) {
            if (tasks == null) {
                tasks = new ArrayDeque<>(4);
            }
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            shared.workers().execute(this::runTasks);
        } catch (RejectedExecutionException e) {
            // The pool is shutting down with the server; the connection is being closed too.
            synchronized (this) {
                scheduled = false;
            }
        }
    }

    /** The next task, or null (and the queue dropped) when there is none. */
    private synchronized Runnable nextTask() {
        Runnable task = tasks == null ? null : tasks.poll();
        if (task == null) {
            tasks = null;
        }
        return task;
    }

    private void runTasks() {
        boolean more;
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = nextTask();
                if (task == null) {
                    break;
                }
                task.run();
            }
        } finally {
            synchronized (this) {
                more = tasks != null && !tasks.isEmpty();
                scheduled = more;
            }
        }
        if (more) {
            schedule();
        }
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
        channel.config().setAutoRead(channel.isWritable() && unanswered < 2 * shared.maxPending());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
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
