package io.parley.transport.internal;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancers the operator trusts to begin each connection with a PROXY protocol header: addresses and
 * CIDR ranges, comma-separated ({@code 10.0.0.5, 10.1.0.0/16, fd00::/8}).
 */
final class LoadBalancers {

    private final List<IpSubnetFilterRule> ranges;

    private LoadBalancers(List<IpSubnetFilterRule> ranges) {
        this.ranges = ranges;
    }

    /**
     * @throws IllegalArgumentException naming the entry that is not an address or a range
     */
    static LoadBalancers parse(String setting) {
        List<IpSubnetFilterRule> ranges = new ArrayList<>();
        for (String entry : setting.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String ip = slash < 0 ? e : e.substring(0, slash);
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new IllegalArgumentException("proxyProtocolFrom: '" + e + "' is not an IP address or range");
            }
            try {
                int prefix = slash < 0 ? (ip.contains(":") ? 128 : 32) : Integer.parseInt(e.substring(slash + 1));
                ranges.add(new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT));
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("proxyProtocolFrom: '" + e + "' is not an IP address or range", ex);
            }
        }
        return new LoadBalancers(List.copyOf(ranges));
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** True when the peer is one of the listed load balancers. */
    boolean contains(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress address) || address.getAddress() == null) {
            return false;
        }
        for (IpSubnetFilterRule range : ranges) {
            if (range.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
