package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where a client connects from: the address a trusted load balancer's PROXY protocol header gave
 * ({@link ProxyHeader}), or else the peer of the TCP connection. Every per-address limit, the log and
 * {@code parley:sessions} use this.
 */
final class ClientAddress {

    static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf("parley.clientAddress");

    private ClientAddress() {
    }

    static SocketAddress of(Channel channel) {
        // hasAttr first: attr() would make an empty attribute on every channel that asks (memory per connection).
        InetSocketAddress proxied = channel.hasAttr(PROXIED) ? channel.attr(PROXIED).get() : null;
        return proxied != null ? proxied : channel.remoteAddress();
    }

    /** The client's IP address, or null for a channel that has none (in-VM channels in tests). */
    static InetAddress ip(Channel channel) {
        return of(channel) instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    /** The client's IP address as text, for limits and the log. */
    static String host(Channel channel) {
        InetAddress ip = ip(channel);
        return ip != null ? ip.getHostAddress() : String.valueOf(of(channel));
    }
}
