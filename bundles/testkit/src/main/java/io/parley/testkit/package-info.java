/**
 * Unit-test support for Parley components and features: in-memory stores behind every store SPI and component
 * configurations from their defaults, so that a domain rule is tested without Felix or a database.
 */
@Export
@Version("1.0.0")
package io.parley.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
