package io.parley.transport.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Behind Netty's PROXY protocol decoder (v1 and v2) on a connection from a trusted load balancer: records the
 * client address the header gives as {@link ClientAddress}, applies the per-address connection limit to it,
 * and leaves the pipeline. A LOCAL header (the balancer's own health check) keeps the balancer's address. A
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
        if (header.command() != HAProxyCommand.PROXY || header.proxiedProtocol() == HAProxyProxiedProtocol.UNKNOWN
                || header.sourceAddress() == null) {
            return;
        }
        InetSocketAddress client;
        try {
            // A literal address, as the protocol requires: no name lookup happens.
            client = new InetSocketAddress(InetAddress.getByName(header.sourceAddress()), header.sourcePort());
        } catch (UnknownHostException e) {
            LOG.info("Closing {}: the PROXY header's source is not an address", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        ctx.channel().attr(ClientAddress.PROXIED).set(client);
        if (!admit.test(client)) {
            LOG.debug("Refused a connection from {} through {}: too many open", client.getAddress().getHostAddress(),
                    ctx.channel().remoteAddress());
            ctx.close();
        }
    }
}
