package io.parley.api.metrics;

import java.util.function.Supplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where bundles record what they do, for {@code /metrics}. A bundle holds it as an optional, dynamic reference
 * and records only while it is there, so the metrics bundle can be updated or removed without any other bundle
 * noticing; behind it is Micrometer's Prometheus registry. Names are dotted lower case
 * ({@code parley.requests}); tags come as name, value pairs, from a small fixed set of values each (a request
 * type, a status), never a user's name or anything unbounded.
 */
@ProviderType
public interface Meters {

    /** Adds one to a counter. {@code help} is the line /metrics shows for it. */
    void count(String name, String help, String... tags);

    /** Adds {@code amount} (zero or more) to a counter. */
    void add(String name, String help, long amount, String... tags);

    /** Records a duration in a timer with a latency histogram. */
    void time(String name, String help, long nanos, String... tags);

    /** Records a size (a batch, a queue) in a distribution summary. */
    void size(String name, String help, double amount, String... tags);

    /**
     * A value read when scraped (open connections, a queue's depth). Closing the result removes it: call that
     * when whatever it reads goes away.
     */
    AutoCloseable gauge(String name, String help, Supplier<Number> value, String... tags);
}
