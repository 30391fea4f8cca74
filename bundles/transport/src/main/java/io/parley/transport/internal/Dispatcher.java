package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.parley.api.ParleyException;
import io.parley.api.handler.Empty;
import io.parley.api.handler.RequestHandler;
import io.parley.api.metrics.Meters;
import io.parley.api.serialization.Payload;
import io.parley.api.serialization.Serializer;
import io.parley.api.session.Session;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection shares: parsing, the login gate, finding the handler, and turning its answer or its
 * exception into a response frame. Runs on worker threads, and on the event loop for handlers that do not block.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ServiceSlot<Serializer> serializer;
    private final HandlerRegistry handlers;
    private volatile UserRates userRates;
    private volatile int maxBody;
    private volatile long serviceWaitMs;
    /** Where each answered request is counted and timed, by type and status, while the metrics bundle runs. */
    private volatile Meters meters;

    /**
     * @param maxBody the largest frame body; longer answers are cut to fit ({@link BodyFit})
     * @param serviceWaitMs how long a request on a worker waits for the serializer while its bundle is being
     *     updated, before its connection is closed
     */
    Dispatcher(ServiceSlot<Serializer> serializer, HandlerRegistry handlers, UserRates userRates, int maxBody,
            long serviceWaitMs) {
        this.serializer = serializer;
        this.handlers = handlers;
        this.userRates = userRates;
        this.maxBody = maxBody;
        this.serviceWaitMs = serviceWaitMs;
    }

    /** New settings from etc/io.parley.transport.cfg, for the requests that come next. */
    void configure(UserRates rates, int body, long waitMs) {
        userRates = rates;
        maxBody = body;
        serviceWaitMs = waitMs;
    }

    /** The per-user rates now, for the sweep. */
    UserRates userRates() {
        return userRates;
    }

    /** The serializer now, or null while its bundle is being updated: for callers that must not block. */
    Serializer serializerNow() {
        return serializer.now();
    }

    /**
     * Answers one frame of a connection on a worker: waits for the serializer while it is being updated, and
     * closes the connection when it does not come back. Never throws.
     */
    void dispatch(ConnectionHandler connection, Frame frame) {
        Serializer s = awaitSerializer(connection);
        if (s != null) {
            dispatch(connection, frame, s);
        }
    }

    void useMeters(Meters next) {
        meters = next;
    }

    /** Refuses a frame on a worker, in its turn, without calling any handler. */
    void refuse(ConnectionHandler connection, Frame frame, ParleyException error) {
        Serializer s = awaitSerializer(connection);
        if (s != null) {
            refuse(connection.channel(), s, frame, error);
        }
    }

    private Serializer awaitSerializer(ConnectionHandler connection) {
        Serializer s;
        try {
            s = serializer.await(serviceWaitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s = null;
        }
        if (s == null) {
            LOG.warn("Closing {}: no serializer for {} ms (is io.parley.serialization running?)",
                    connection.remoteAddress(), serviceWaitMs);
            connection.channel().close();
        }
        return s;
    }

    /**
     * True when the frame can be answered without blocking, so on the event loop: a frame that is not a request,
     * PING, and a request whose handler says it does not block.
     */
    boolean answersWithoutBlocking(Frame frame) {
        return frame.sign() != Sign.REQUEST || frame.type() == Types.PING || nonBlocking(frame.type());
    }

    /**
     * Answers one frame with this serializer: a frame that is not a request with BAD_REQUEST, PING at once,
     * and a request through its handler. Never throws.
     */
    void dispatch(ConnectionHandler connection, Frame frame, Serializer s) {
        Channel channel = connection.channel();
        if (frame.sign() != Sign.REQUEST) {
            refuse(channel, s, frame, ParleyException.badRequest("Clients send requests (sign 1) only."));
            return;
        }
        if (frame.type() == Types.PING) {
            pong(channel, s, frame);
            return;
        }
        connection.beginAnswering();
        boolean answered = false;
        long start = System.nanoTime();
        try {
            Status status = answer(connection, channel, frame, s);
            answered = true;
            Meters m = meters;
            if (m != null) {
                m.time("parley.requests", "Requests answered, by type and status, and how long the answer took",
                        System.nanoTime() - start, "type", Types.name(frame.type()), "status", status.name());
                String method = loginMethod(frame.type());
                if (method != null) {
                    m.count("parley.logins", "Logins answered, by method (password, scram, resume) and result (a "
                            + "status)", "method", method, "result", status.name());
                }
            }
        } finally {
            connection.endAnswering();
            if (!answered) {
                // An Error thrown past answer() left no answer to flush a notice written meanwhile.
                channel.flush();
            }
        }
    }

    /** The login method a request type is, or null when it is no login (AUTH_START is half of one: not counted). */
    static String loginMethod(int type) {
        return type == Types.LOGIN ? "password" : type == Types.AUTH_FINISH ? "scram" : type == Types.RESUME ? "resume"
                : null;
    }

    /** Answers the request; returns the status it was answered with. */
    private Status answer(ConnectionHandler connection, Channel channel, Frame frame, Serializer s) {
        String id = null;
        try {
            Payload payload = s.parse(frame.body());
            id = payload.id();
            Session session = connection.loggedIn().orElse(null);
            if (session == null && !Types.allowedBeforeLogin(frame.type())) {
                throw ParleyException.unauthenticated("Log in first: only PING, REGISTER, LOGIN, RESUME, "
                        + "AUTH_START and AUTH_FINISH are allowed before login.");
            }
            long wait = session == null ? 0 : userRates.take(session.userId(), frame.type());
            if (wait > 0) {
                throw ParleyException.rateLimited("Too many " + Types.name(frame.type())
                        + " requests; wait before sending more.", wait);
            }
            RequestHandler handler = handlers.get(frame.type());
            if (handler == null && handlers.recentlyGone(frame.type()) && !channel.eventLoop().inEventLoop()) {
                // Its bundle is being replaced: held for the successor rather than refused (serviceWaitMs at most;
                // never on the network thread, which a non-blocking handler's request may be on).
                try {
                    handler = handlers.awaitReplacement(frame.type(), serviceWaitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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
            int fit = maxBody;
            byte[] bytes = BodyFit.write(s, id, body, fit, 1);
            if (bytes == null) {
                LOG.error("Request {} ({}): the answer does not fit in {} bytes even cut to one item",
                        LogText.quoted(id), Types.name(frame.type()), fit);
                throw new ParleyException(Status.INTERNAL, "The answer is larger than this server's frames allow "
                        + "(maxBody " + fit + "); it was logged as request " + LogText.quoted(id) + ".");
            }
            respond(channel, frame.type(), Status.OK, bytes, after);
            return Status.OK;
        } catch (ParleyException e) {
            respondError(channel, s, frame.type(), id, e);
            return e.status();
        } catch (LinkageError e) {
            // A bundle on the request's path (its handler, a group rule, a message filter) was updated or removed
            // while it answered and lost its classes: what it replaces is on its way, so the client retries.
            LOG.warn("Request {} ({}) from {} met a bundle being replaced ({}); answered UNAVAILABLE",
                    LogText.quoted(id), Types.name(frame.type()), connection.remoteAddress(), e.toString());
            respondError(channel, s, frame.type(), id, ParleyException.unavailable("Part of the server was being "
                    + "replaced while answering this request; retry it.", null));
            return Status.UNAVAILABLE;
        } catch (RuntimeException e) {
            LOG.error("Request {} ({}) from {} failed", LogText.quoted(id), Types.name(frame.type()),
                    connection.remoteAddress(), e);
            respondError(channel, s, frame.type(), id, new ParleyException(Status.INTERNAL,
                    "The server failed to answer this request; it was logged as request " + LogText.quoted(id) + "."));
            return Status.INTERNAL;
        }
    }

    private boolean nonBlocking(int type) {
        RequestHandler handler = handlers.get(type);
        try {
            return handler != null && handler.nonBlocking();
        } catch (RuntimeException | LinkageError e) {
            // A handler whose bundle is being updated: the worker's dispatch answers for it.
            return false;
        }
    }

    /** Answers a request with an error without calling any handler; its id is read from the body if it has one. */
    private static void refuse(Channel channel, Serializer s, Frame frame, ParleyException error) {
        String id = null;
        try {
            id = s.parse(frame.body()).id();
        } catch (ParleyException e) {
            // No usable id: the error goes out without one.
        }
        respondError(channel, s, frame.type(), id, error);
    }

    /** Answers PING: an empty body with an empty one, else with its id. */
    private static void pong(Channel channel, Serializer s, Frame frame) {
        if (frame.body().length == 0) {
            channel.writeAndFlush(Frame.response(Types.PING, Status.OK, new byte[0]));
            return;
        }
        try {
            String id = s.parse(frame.body()).id();
            channel.writeAndFlush(Frame.response(Types.PING, Status.OK, s.write(id, Empty.INSTANCE)));
        } catch (ParleyException e) {
            respondError(channel, s, Types.PING, null, e);
        }
    }

    private static void respondError(Channel channel, Serializer s, int type, String id, ParleyException e) {
        byte[] body = s.write(id, new ErrorBody(e.getMessage(), e.retryAfterMs()));
        respond(channel, type, e.status(), body, null);
    }

    private static void respond(Channel channel, int type, Status status, byte[] body, ChannelFutureListener after) {
        var future = channel.writeAndFlush(Frame.response(type, status, body));
        if (after != null) {
            future.addListener(after);
        }
    }
}
