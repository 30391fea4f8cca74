/**
 * The Netty TCP server: frame codec, login gate, heartbeats, the session registry and dispatch of requests
 * to the {@link io.parley.api.handler.RequestHandler} whiteboard.
 *
 * <p>Pipeline per connection, in order: {@code FrameCodec} (decoder bounded by maxBody, and encoder, in one
 * handler), {@link io.parley.transport.internal.ConnectionHandler}. Login deadlines and heartbeats are checked
 * once a second by each event loop's {@link io.parley.transport.internal.Liveness} clock, for every connection
 * of that loop: no timer per connection. The connection handler runs
 * requests on a shared worker pool, one connection's requests in arrival order, at most
 * {@code maxPendingPerConnection} waiting; beyond that a request answers RATE_LIMITED. A handler that does not
 * block (MSG_ACK on the message log) is answered on the event loop when nothing of its connection waits. Transport imports no
 * domain bundle: a handler that appears adds its type, one that goes away makes it answer UNSUPPORTED.
 */
package io.parley.transport.internal;
