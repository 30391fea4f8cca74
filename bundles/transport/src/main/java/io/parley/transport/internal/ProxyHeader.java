package io.parley.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind Netty's PROXY protocol decoder (v1 and v2) on a connection from a trusted load balancer: records the
 * client address the header gives as {@link ClientAddress}, applies the per-address connection limit to it,
 * and leaves the pipeline. A LOCAL header (the balancer's own health check), or one for a client not on IP
 * (a UNIX socket), keeps the balancer's address. A
 * connection whose first bytes are not a PROXY header fails in the decoder and is closed.
 */
final class ProxyHeader extends SimpleChannelInboundHandler<HAProxyMessage> {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeader.class);

    /** Admits the channel from the client address, or refuses it (too many connections from there). */
    private final Predicate<InetSocketAddress> admit;

    ProxyHeader(Predicate<InetSocketAddress> admit) {
        this.admit = admit;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HAProxyMessage header) {
        ctx.pipeline().remove(this);
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                        && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6)) {
            return; // the balancer's own check, or a client that is not on IP: the balancer's address stays
        }
        // Parsed as a literal only: a name here would mean a lookup on the event loop.
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        if (ip == null) {
            LOG.info("Closing {}: the PROXY header's source is not an address", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        InetSocketAddress client = new InetSocketAddress(ip, header.sourcePort());
        ctx.channel().attr(ClientAddress.PROXIED).set(client);
        if (!admit.test(client)) {
            LOG.debug("Refused a connection from {} through {}: too many open", client.getAddress().getHostAddress(),
                    ctx.channel().remoteAddress());
            ctx.close();
        }
    }
}
