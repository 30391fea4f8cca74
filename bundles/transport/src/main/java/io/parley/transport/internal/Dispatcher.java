package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.parley.api.ParleyException;
import io.parley.api.handler.RequestHandler;
import io.parley.api.serialization.Payload;
import io.parley.api.serialization.Serializer;
import io.parley.protocol.Frame;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection shares: parsing, the login gate, finding the handler, and turning its answer or its
 * exception into a response frame. Runs on worker threads, and on the event loop for handlers that do not block.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    final Serializer serializer;
    final HandlerRegistry handlers;
    final SessionRegistry sessions;
    final Executor workers;
    final int maxPendingPerConnection;

    Dispatcher(Serializer serializer, HandlerRegistry handlers, SessionRegistry sessions, Executor workers,
            int maxPendingPerConnection) {
        this.serializer = serializer;
        this.handlers = handlers;
        this.sessions = sessions;
        this.workers = workers;
        this.maxPendingPerConnection = maxPendingPerConnection;
    }

    /**
     * The channel whose request this thread is answering. A notice to that channel (the sender's own
     * MSG_NOTIFY) is written without a flush, and the answer that follows flushes both in one write.
     */
    private static final ThreadLocal<Channel> ANSWERING = new ThreadLocal<>();

    /** True when the calling thread is answering a request of this channel and will flush it afterwards. */
    static boolean answering(Channel channel) {
        return ANSWERING.get() == channel;
    }

    /** Answers one request frame of a connection. Never throws: every failure becomes a response. */
    void dispatch(ConnectionHandler connection, Frame frame) {
        Channel channel = connection.channel();
        ANSWERING.set(channel);
        boolean answered = false;
        try {
            answer(connection, channel, frame);
            answered = true;
        } finally {
            ANSWERING.remove();
            if (!answered) {
                // An Error thrown past answer() left no answer to flush a notice written meanwhile.
                channel.flush();
            }
        }
    }

    private void answer(ConnectionHandler connection, Channel channel, Frame frame) {
        String id = null;
        try {
            Payload payload = serializer.parse(frame.body());
            id = payload.id();
            if (connection.session().isEmpty() && !Types.allowedBeforeLogin(frame.type())) {
                throw ParleyException.unauthenticated("Log in first: only PING, REGISTER, LOGIN and RESUME "
                        + "are allowed before login.");
            }
            RequestHandler handler = handlers.get(frame.type());
            if (handler == null) {
                if (handlers.recentlyGone(frame.type())) {
                    throw ParleyException.unavailable("The handler for " + Types.name(frame.type())
                            + " is being replaced; retry shortly.", null);
                }
                throw new ParleyException(Status.UNSUPPORTED,
                        "This server has no handler for " + Types.name(frame.type()) + " right now.");
            }
            TransportRequest request = new TransportRequest(connection, frame.type(), id, payload);
            Object body = handler.handle(request);
            ChannelFutureListener after = request.closeRequested() ? ChannelFutureListener.CLOSE : null;
            respond(channel, frame.type(), Status.OK, serializer.write(id, body), after);
        } catch (ParleyException e) {
            respondError(channel, frame.type(), id, e);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a handler whose bundle is being updated can lose its classes mid-call.
            LOG.error("Request {} ({}) from {} failed", id, Types.name(frame.type()), connection.remoteAddress(), e);
            respondError(channel, frame.type(), id, new ParleyException(Status.INTERNAL,
                    "The server failed to answer this request; it was logged as request " + id + "."));
        }
    }

    /** True when the handler of this type says it answers without blocking, and so may run on an event loop. */
    boolean nonBlocking(int type) {
        RequestHandler handler = handlers.get(type);
        try {
            return handler != null && handler.nonBlocking();
        } catch (RuntimeException | LinkageError e) {
            // A handler whose bundle is being updated: the worker's dispatch answers for it.
            return false;
        }
    }

    void respondError(Channel channel, int type, String id, ParleyException e) {
        byte[] body = serializer.write(id, new ErrorBody(e.getMessage(), e.retryAfterMs()));
        respond(channel, type, e.status(), body, null);
    }

    private static void respond(Channel channel, int type, Status status, byte[] body, ChannelFutureListener after) {
        var future = channel.writeAndFlush(Frame.response(type, status, body));
        if (after != null) {
            future.addListener(after);
        }
    }
}
