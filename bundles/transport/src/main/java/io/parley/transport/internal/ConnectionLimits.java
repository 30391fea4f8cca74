package io.parley.transport.internal;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open connections, in total and per client address, with a cap on each (0: none). A connection over either is
 * closed as soon as it is accepted (or, behind a load balancer, as soon as its PROXY header names the client),
 * before it is read: one client cannot take every socket, and a crowd of
 * them cannot take the server's memory.
 */
final class ConnectionLimits {

    private volatile int maxTotal;
    private volatile int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** New caps for the connections accepted from now on; those open stay. */
    void set(int total, int perAddress) {
        maxTotal = total;
        maxPerAddress = perAddress;
    }

    ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts the channel in, and out again when it closes; false (and nothing counted) when it is over a cap. */
    boolean admit(Channel channel) {
        if (!admitToTotal(channel)) {
            return false;
        }
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        return address == null || admitFrom(channel, address);
    }

    /**
     * Counts the channel in the total, and out again when it closes; false when the total is at its cap. (For a
     * connection from a load balancer, whose client address comes later, in its PROXY header.)
     */
    boolean admitToTotal(Channel channel) {
        if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
            total.decrementAndGet();
            return false;
        }
        channel.closeFuture().addListener(f -> total.decrementAndGet());
        return true;
    }

    /** Counts the channel in for the address, and out again when it closes; false when the address is at its cap. */
    boolean admitFrom(Channel channel, InetAddress address) {
        // Counted inside the map's own step, so a release racing it cannot drop the counter meanwhile.
        int now = perAddress.compute(address, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        }).get();
        if (maxPerAddress > 0 && now > maxPerAddress) {
            release(address);
            return false;
        }
        channel.closeFuture().addListener(f -> release(address));
        return true;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
