/**
 * The scrape of the server's meters, for the admin port's {@code /metrics}. The meters themselves are
 * Micrometer's: bundles record in the {@code io.micrometer.core.instrument.MeterRegistry} service.
 */
@Export
@Version("1.0.0")
package io.parley.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
