package io.parley.metrics.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.parley.api.metrics.Meters;
import io.parley.api.metrics.MetricsScrape;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The server's one meter registry, Micrometer's Prometheus registry: what other bundles record through
 * {@link Meters}, the JVM's own meters (heap, GC, threads, class loading; not Micrometer's CPU meters, whose
 * names promtool's lint refuses), and the scrape for the admin
 * port's {@code /metrics}.
 */
@Component(service = {Meters.class, MetricsScrape.class})
public final class Metrics implements Meters, MetricsScrape {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
    }

    @Override
    public void count(String name, String help, String... tags) {
        Counter.builder(name).description(help).tags(tags).register(registry).increment();
    }

    @Override
    public void add(String name, String help, long amount, String... tags) {
        Counter.builder(name).description(help).tags(tags).register(registry).increment(amount);
    }

    @Override
    public void time(String name, String help, long nanos, String... tags) {
        Timer.builder(name).description(help).tags(tags).publishPercentileHistogram().register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void size(String name, String help, double amount, String... tags) {
        DistributionSummary.builder(name).description(help).tags(tags).register(registry).record(amount);
    }

    @Override
    public AutoCloseable gauge(String name, String help, Supplier<Number> value, String... tags) {
        Meter gauge = Gauge.builder(name, value).description(help).tags(tags).strongReference(true).register(registry);
        return () -> registry.remove(gauge);
    }

    @Override
    public String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    @Deactivate
    void deactivate() {
        gc.close();
        registry.close();
    }
}
