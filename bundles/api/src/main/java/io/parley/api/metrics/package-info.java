/**
 * Where bundles record what they do ({@link io.parley.api.metrics.Meters}) and the scrape of it all for the admin
 * port's {@code /metrics} ({@link io.parley.api.metrics.MetricsScrape}); the metrics bundle provides both, with
 * Micrometer's Prometheus registry behind them.
 */
@Export
@Version("1.1.0")
package io.parley.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
