package io.parley.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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

    /**
     * A channel from a load balancer, whose client address comes later (in its PROXY header), and the one
     * listener that counts it out when it closes: in the total, and for its address once it is counted there.
     */
    final class Admission implements ChannelFutureListener {
        private final Channel channel;
        /** The address this channel is counted for; null until it is. */
        private volatile InetAddress address;

        private Admission(Channel channel) {
            this.channel = channel;
        }

        /** Counts the channel in for the address; false, and nothing counted, when the address is at its cap. */
        boolean from(InetAddress client) {
            if (!countIn(client)) {
                return false;
            }
            address = client;
            if (!channel.isOpen()) {
                // Closed meanwhile: the listener may have run before the address was set.
                releaseAddress();
            }
            return true;
        }

        @Override
        public void operationComplete(ChannelFuture closed) {
            total.decrementAndGet();
            releaseAddress();
        }

        private synchronized void releaseAddress() {
            InetAddress counted = address;
            if (counted != null) {
                address = null;
                release(counted);
            }
        }
    }

    /**
     * Counts a directly connected channel out again when it closes: one listener for every such channel, which
     * finds the address it was counted for in the channel itself (Netty keeps a channel's remote address once
     * asked, as {@link #admit} did), rather than an object per channel (24 bytes of heap per idle connection).
     */
    private final ChannelFutureListener releaseDirect = closed -> {
        total.decrementAndGet();
        InetAddress counted = ipOf(closed.channel());
        if (counted != null) {
            release(counted);
        }
    };

    /** Counts out a channel that had no address when it was admitted (it was counted in the total only). */
    private final ChannelFutureListener releaseTotal = closed -> total.decrementAndGet();

    /** Counts the channel in, and out again when it closes; false (and nothing counted) when it is over a cap. */
    boolean admit(Channel channel) {
        if (!countInTotal()) {
            return false;
        }
        InetAddress address = ipOf(channel);
        if (address != null && !countIn(address)) {
            total.decrementAndGet();
            return false;
        }
        channel.closeFuture().addListener(address != null ? releaseDirect : releaseTotal);
        return true;
    }

    private static InetAddress ipOf(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private boolean countInTotal() {
        if (total.incrementAndGet() > maxTotal && maxTotal > 0) {
            total.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts a connection in for the address; false, and nothing counted, when the address is at its cap. */
    private boolean countIn(InetAddress client) {
        // Counted inside the map's own step, so a release racing it cannot drop the counter meanwhile.
        int now = perAddress.compute(client, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        }).get();
        if (maxPerAddress > 0 && now > maxPerAddress) {
            release(client);
            return false;
        }
        return true;
    }

    /**
     * Counts the channel in the total, and out again when it closes; null when the total is at its cap. (For a
     * connection from a load balancer, whose client address comes later, in its PROXY header: then
     * {@link Admission#from}.)
     */
    Admission admitToTotal(Channel channel) {
        if (!countInTotal()) {
            return null;
        }
        Admission admission = new Admission(channel);
        channel.closeFuture().addListener(admission);
        return admission;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
