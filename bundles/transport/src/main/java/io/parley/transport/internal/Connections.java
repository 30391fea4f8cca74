package io.parley.transport.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The server's connections, kept per event loop ({@link Liveness}): each loop's clock ticks on the loop itself
 * and checks only the connections that run there.
 */
final class Connections {

    private final Map<EventExecutor, Liveness> byLoop = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    Connections() {
        this(System::nanoTime);
    }

    /** With a clock of a test's own (nanoseconds). */
    Connections(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** The connections of this loop; made the first time a loop asks (tests run on loops of their own). */
    Liveness of(EventExecutor loop) {
        return byLoop.computeIfAbsent(loop, l -> new Liveness(nanos));
    }

    /** Starts each loop's clock: a tick a second, on the loop. */
    void startClocks(EventLoopGroup loops) {
        for (EventExecutor loop : loops) {
            loop.scheduleAtFixedRate(of(loop)::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Closes every connection, each on its loop, and waits up to the time given for the loops to have done so. */
    void closeAll(long timeout, TimeUnit unit) {
        List<Future<?>> closing = new ArrayList<>();
        byLoop.forEach((loop, liveness) -> {
            if (!loop.isShuttingDown()) {
                closing.add(loop.submit(liveness::closeAll));
            }
        });
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Future<?> f : closing) {
            f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}
