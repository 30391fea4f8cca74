package io.parley.api.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The gauges a component registered with the {@link Meters} bound now: registered at bind, removed together at
 * unbind or deactivation, quietly (the registry may have gone with the metrics bundle already).
 */
public final class Gauges {

    private final List<AutoCloseable> registered = new ArrayList<>();

    /** Keeps a gauge {@link Meters#gauge} returned, to remove with the others. */
    public synchronized void add(AutoCloseable gauge) {
        registered.add(gauge);
    }

    /** Removes every gauge kept so far. */
    public synchronized void closeAll() {
        for (AutoCloseable g : registered) {
            try {
                g.close();
            } catch (Exception e) {
                // the registry is gone with the metrics bundle: nothing left to remove
            }
        }
        registered.clear();
    }
}
