package io.parley.client;

import io.netty.channel.EventLoopGroup;
import io.parley.protocol.Frame;
import java.time.Duration;

/**
 * Connection options.
 *
 * @param requestTimeout how long a call waits for its response before it fails with a TimeoutException
 * @param heartbeat      a PING is sent after this long without writing (the server closes idle connections)
 * @param maxBody        the largest body accepted from the server
 * @param eventLoop      a Netty event loop group to share between many clients, or null for one of its own
 */
public record ParleyClientOptions(Duration requestTimeout, Duration heartbeat, int maxBody, EventLoopGroup eventLoop) {

    public static ParleyClientOptions defaults() {
        return new ParleyClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(5), Frame.DEFAULT_MAX_BODY, null);
    }

    public ParleyClientOptions withRequestTimeout(Duration timeout) {
        return new ParleyClientOptions(timeout, heartbeat, maxBody, eventLoop);
    }

    public ParleyClientOptions withHeartbeat(Duration interval) {
        return new ParleyClientOptions(requestTimeout, interval, maxBody, eventLoop);
    }

    public ParleyClientOptions withEventLoop(EventLoopGroup group) {
        return new ParleyClientOptions(requestTimeout, heartbeat, maxBody, group);
    }
}
