package io.parley.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every meter of the server now, in the Prometheus text exposition format: what {@code GET /metrics} on the
 * admin port answers. Registered by the metrics bundle, which keeps the registry the other bundles record in.
 */
@ProviderType
public interface MetricsScrape {

    /** The media type of {@link #scrape()}'s text, with its format version. */
    String contentType();

    /** The meters' current values. */
    String scrape();
}
